"""Progress reports (issue 20 §3): the content of a report (``content``), its charts
(``charts``, matplotlib), the Excel workbook (``workbook``) that ``jobmatch report`` writes and the
progress pages show in part."""
