"""The professional's own result: charts with their table alternative, and the PDF report to keep."""
