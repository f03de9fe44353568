from django import forms
from django.utils.html import format_html, format_html_join


class TimeZoneInput(forms.TextInput):
    """A text box that suggests IANA zone names: what people type stays visible
    when it is wrong, so they can fix it."""

    def render(self, name, value, attrs=None, renderer=None):
        from .models.events import time_zone_names

        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-zones"
        attrs.update({"list": list_id, "autocomplete": "off", "spellcheck": "false"})
        html = super().render(name, value, attrs, renderer)
        options = format_html_join(
            "", '<option value="{}"></option>', ((zone,) for zone in time_zone_names())
        )
        return html + format_html('<datalist id="{}">{}</datalist>', list_id, options)
