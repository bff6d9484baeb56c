/** Cuts or pads text to exactly `width` columns, so every frame rewrites whole lines and the layout never wraps. */
export function fit(text: string, width: number): string {
  const chars = [...text];
  if (width <= 0) return '';
  return chars.length > width ? chars.slice(0, width - 1).join('') + '…' : text + ' '.repeat(width - chars.length);
}
