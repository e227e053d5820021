"""Le rendu accessible des formulaires : classes Bootstrap, aide et erreurs reliées au champ par aria-describedby ;
les choix multiples qui refusent un identifiant impossible avant de le demander à la base."""

from django import forms
from django.core.exceptions import ValidationError

PLUS_GRAND_IDENTIFIANT = 2**63 - 1  # BigAutoField

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


class ChoixMultiples(forms.ModelMultipleChoiceField):
    """Un choix multiple d'objets (quartiers, partenaires, obligations…) qui refuse, comme une valeur inconnue, un
    identifiant qui n'est pas un entier que la base peut tenir : SQLite lève OverflowError (une erreur 500) sur un
    `IN` de 99999999999999999999, où Django ne protège que les comparaisons simples."""

    def _check_values(self, value):
        for pk in value:
            texte = str(pk)
            if not (texte.isascii() and texte.isdigit() and int(texte) <= PLUS_GRAND_IDENTIFIANT):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": texte}
                )
        return super()._check_values(value)
