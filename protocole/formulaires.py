"""Le rendu accessible des formulaires : classes Bootstrap, aide et erreurs reliées au champ par aria-describedby."""

from django import forms

SANS_CLASSE = (forms.CheckboxSelectMultiple, forms.RadioSelect, forms.HiddenInput)


class Accessible:
    """À mêler à un formulaire Django ; le gabarit includes/_champ.html affiche chaque champ."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for nom, champ in self.fields.items():
            widget = champ.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif not isinstance(widget, SANS_CLASSE):
                widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if champ.help_text and not isinstance(widget, SANS_CLASSE):
                widget.attrs["aria-describedby"] = f"{self[nom].auto_id}-aide"

    def full_clean(self):
        super().full_clean()
        for nom in self.errors:
            if nom not in self.fields or isinstance(self.fields[nom].widget, SANS_CLASSE):
                continue
            widget = self.fields[nom].widget
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            decrit = widget.attrs.get("aria-describedby", "")
            widget.attrs["aria-describedby"] = f"{decrit} {self[nom].auto_id}-erreur".strip()
