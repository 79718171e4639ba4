"""The ИОМ as documents: plain data in ``data``, renderers to DOCX, PDF and a group XLSX beside it."""
