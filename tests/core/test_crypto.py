from __future__ import annotations

from django.test import override_settings

from meritline.core import crypto


def test_encrypt_round_trips_and_hides_the_value():
    token = crypto.encrypt("11010519491231002X")
    assert "11010519491231002X" not in token
    assert crypto.decrypt(token) == "11010519491231002X"


def test_blind_index_is_stable_normalised_and_keyed():
    assert crypto.blind_index("11010519491231002x") == crypto.blind_index(" 11010519491231002X")
    default = crypto.blind_index("11010519491231002X")
    with override_settings(BLIND_INDEX_KEY="another"):
        assert crypto.blind_index("11010519491231002X") != default


def test_a_token_from_another_key_does_not_decrypt():
    token = crypto.encrypt("secret")
    with override_settings(FIELD_ENCRYPTION_KEY="b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMDE="):
        assert crypto.decrypt(token) == ""


def test_mask_keeps_only_the_ends():
    assert crypto.mask_id_number("11010519491231002X") == "1101**********002X"
