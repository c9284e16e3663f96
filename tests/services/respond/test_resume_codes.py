"""Resume codes: enough randomness, easy to copy, forgiving when typed."""

import math

import pytest

from services.respond.resume_codes import ALPHABET, code_hash, new_resume_code, normalise


def test_codes_carry_at_least_64_random_bits_in_groups():
    code = new_resume_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert len("".join(groups)) * math.log2(len(ALPHABET)) >= 64
    assert len({new_resume_code() for _ in range(2000)}) == 2000


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("abcd-efgh-jkmn-pqrs", "ABCD-EFGH-JKMN-PQRS"),
        (" ABCD EFGH JKMN PQRS ", "ABCD-EFGH-JKMN-PQRS"),
        ("ABCDEFGHJKMNPQRS", "ABCD-EFGH-JKMN-PQRS"),
        ("OOOO-IIII-LLLL-0000", "0000-1111-1111-0000"),
        ("ABCD-EFGH-JKMN-PQR", None),
        ("ABCD-EFGH-JKMN-PQRSU", None),
        ("ABCD-EFGH-JKMN-PQR!", None),
        ("", None),
    ],
)
def test_normalise(typed, canonical):
    assert normalise(typed) == canonical


def test_hash_is_the_same_however_the_code_is_typed():
    code = new_resume_code()
    assert code_hash(code) == code_hash(code.lower().replace("-", " "))
    assert code not in code_hash(code)
