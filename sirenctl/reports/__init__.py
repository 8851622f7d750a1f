"""Annual report: figures computed from the records (each with the rows behind it), rendered as
Markdown, HTML (inline SVG charts), CSV or JSON, with Chinese or English labels."""
