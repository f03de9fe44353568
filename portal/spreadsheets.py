"""Spreadsheets the portal writes. A cell that starts with ``=``, ``+``, ``-``,
``@`` (or a tab or carriage return before one) is a formula to Excel and
LibreOffice: ``=HYPERLINK("http://evil", "Click")`` in a display name would run
when a moderator opens the export. Such text is written with a leading
apostrophe, which spreadsheets show as plain text (OWASP "CSV injection")."""

from wagtail.snippets.views.snippets import IndexView

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeIndexView(IndexView):
    """A snippet listing whose CSV export neutralises formulas (the XLSX export
    already stores them as text)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value
