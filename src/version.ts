/** ukport's version, printed by --version and recorded in reports and table provenance. */
export const TOOL_VERSION = '0.1.0';
/** Version of the JSON report DTO (report.schema.json). */
export const REPORT_SCHEMA_VERSION = '1.10.0';
