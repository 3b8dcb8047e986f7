import pytest
from django.core.exceptions import ValidationError

from deputies.validators import id_number_check_char, mask_id_number, mask_phone, validate_id_number, validate_mobile

VALID = "11010519491231002X"  # the example from GB 11643


def test_valid_id_number_passes():
    validate_id_number(VALID)
    assert id_number_check_char(VALID[:17]) == "X"


@pytest.mark.parametrize(
    "value, code",
    [
        ("11010519491231002", "id_length"),
        ("1101051949123100AX", "id_format"),
        ("110105194913310021", "id_birth"),
        ("110105194912310021", "id_checksum"),
    ],
)
def test_bad_id_numbers_are_refused(value, code):
    with pytest.raises(ValidationError) as info:
        validate_id_number(value)
    assert info.value.code == code


def test_mobile_validation():
    validate_mobile("13912345678")
    with pytest.raises(ValidationError):
        validate_mobile("12912345678")


def test_masks_hide_the_middle():
    assert mask_id_number(VALID) == "110***********002X"
    assert mask_phone("13912345678") == "139****5678"
