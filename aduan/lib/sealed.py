"""Model fields whose values are sealed at rest (see ``aduan.lib.vault``).

``SealedTextField`` and ``SealedJSONField`` seal on the way into the database and
open on the way out, so code reads and writes them as plain strings and dicts. An
empty value ("" or {}) is stored empty, so "is there anything?" filters still work;
any other look-up by value is refused, because a sealed value never equals another
sealing of the same text. ``DigestField`` keeps a keyed digest of a sibling field,
filled on every insert (``save`` and ``bulk_create``), for the look-ups that need one.
"""

import json

from django.core.exceptions import FieldError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from . import vault

_EMPTY_LOOKUPS = frozenset({"exact", "in", "isnull"})


class _Sealed:
    """Shared by the sealed fields: the column label bound into every sealed value."""

    empty: object = ""

    @property
    def column_label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def get_lookup(self, lookup_name):
        if lookup_name not in _EMPTY_LOOKUPS:
            return None  # FieldError "Unsupported lookup": sealed values do not compare
        return super().get_lookup(lookup_name)

    def get_prep_value(self, value):
        return value  # sealed in get_db_prep_value; a look-up's value is checked there

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or value == self.empty:
            return None if value is None else ""
        if prepared:
            raise FieldError(f"{self.column_label} is sealed at rest: look it up by its digest, "
                             "not by value")
        return vault.seal(self.dump(value), self.column_label)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return self.load_empty()
        return self.load(vault.open_sealed(value, self.column_label))


class SealedTextField(_Sealed, models.TextField):
    """Text sealed at rest; ``max_length`` is checked in forms and ``full_clean`` only."""

    def dump(self, value) -> str:
        return str(value)

    def load(self, text: str) -> str:
        return text

    def load_empty(self) -> str:
        return ""

    def to_python(self, value):
        return value if value is None or isinstance(value, str) else str(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        return super().get_db_prep_value(self.to_python(value), connection, prepared)


class SealedJSONField(_Sealed, models.TextField):
    """A JSON document sealed at rest (read and written as Python values)."""

    empty = {}

    def dump(self, value) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, separators=(",", ":"))

    def load(self, text: str):
        return json.loads(text)

    def load_empty(self):
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def value_to_string(self, obj):
        return self.dump(self.value_from_object(obj))

    def formfield(self, **kwargs):
        from django import forms
        return super().formfield(**{"form_class": forms.JSONField, **kwargs})


class DigestField(models.CharField):
    """A keyed digest of another field of the same row, set whenever the row is inserted.

    Rows changed with ``update()`` must set it themselves (``digest_of``)."""

    def __init__(self, *args, source: str = "", purpose: str = "", **kwargs):
        self.source, self.purpose = source, purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        for key, value in (("max_length", 64), ("editable", False), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def digest_of(self, value: str) -> str:
        return vault.digest(self.purpose, value) if value else ""

    def pre_save(self, model_instance, add):
        value = self.digest_of(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
