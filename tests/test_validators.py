"""Resident ID, certificate and credit-code parsers, and the masks that keep them out of logs."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.errors import ValidationError
from matching.validators import (
    EARLIEST_BIRTH_DATE,
    ID_WEIGHTS,
    LOST_DIGITS,
    USCC_CHARSET,
    DisabilityCertificate,
    make_certificate,
    make_resident_id,
    make_uscc,
    mask_certificate,
    mask_resident_id,
    mask_sensitive,
    parse_certificate,
    parse_resident_id,
    parse_uscc,
    resident_id_check_char,
    uscc_check_char,
)

LIAOCHENG = ["371502", "371503", "371521", "371522", "371524", "371525", "371526", "371581"]
TODAY = date(2025, 6, 1)
ID_ALPHABET = "0123456789X"
VALID = make_resident_id("371502", date(1990, 1, 1), 2)  # 371502199001010020

addresses = st.sampled_from(LIAOCHENG)
births = st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
resident_ids = st.builds(make_resident_id, addresses, births, sequences)


def _reason(text: str, **kwargs: date) -> str:
    with pytest.raises(ValidationError) as info:
        parse_resident_id(text, today=TODAY, **kwargs)
    assert info.value.field == "id_number"
    return info.value.code


# --- resident ID -------------------------------------------------------------------------


def test_weights_are_powers_of_two_mod_11() -> None:
    assert tuple(pow(2, 17 - i, 11) for i in range(17)) == ID_WEIGHTS


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "34052419800101001X", "360121197011210013"]
)
def test_domain_vectors_are_valid(number: str) -> None:
    assert parse_resident_id(number, today=TODAY).number == number


def test_vector_born_1880_has_valid_checksum_but_predates_default_floor() -> None:
    number = "440524188001010014"
    assert resident_id_check_char(number[:17]) == "4"
    parsed = parse_resident_id(number, today=TODAY, earliest=date(1800, 1, 1))
    assert parsed.birth_date == date(1880, 1, 1)
    assert date(1900, 1, 1) == EARLIEST_BIRTH_DATE
    assert _reason(number) == "id_birth_date"


def test_fields_lowercase_x_and_whitespace() -> None:
    parsed = parse_resident_id(" 1101 0519491231002x\u3000", today=TODAY)
    assert parsed.number == "11010519491231002X"
    assert parsed.address_code == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sequence == "002"
    assert parsed.sex == "F"
    assert parsed.age_on(date(2000, 12, 30)) == 50
    assert parsed.age_on(date(2000, 12, 31)) == 51


def test_full_width_digits_accepted() -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "360121197011210013")
    assert parse_resident_id(full_width, today=TODAY).number == "360121197011210013"


def test_age_on_leap_day_birthday() -> None:
    parsed = parse_resident_id(make_resident_id("371502", date(2000, 2, 29), 1), today=TODAY)
    assert parsed.age_on(date(2001, 2, 28)) == 0
    assert parsed.age_on(date(2001, 3, 1)) == 1
    with pytest.raises(ValueError):
        parsed.age_on(date(1999, 1, 1))


def test_repr_is_masked() -> None:
    parsed = parse_resident_id(VALID, today=TODAY)
    assert VALID not in repr(parsed)
    assert "19900101" not in repr(parsed)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "id_empty"),
        (" \u3000 ", "id_empty"),
        (VALID[:17], "id_length"),
        (VALID + "1", "id_length"),
        ("37150219900101002A", "id_format"),
        ("3715021990010X0021", "id_format"),
        ("371502199013010021", "id_birth_date"),  # month 13
        ("371502189912310021", "id_birth_date"),  # before 1900
        ("371502203001010021", "id_birth_date"),  # after today
        (VALID[:17] + ("0" if VALID[17] != "0" else "1"), "id_checksum"),
    ],
)
def test_reason_codes(text: str, code: str) -> None:
    assert _reason(text) == code


def test_length_message_in_chinese_without_number() -> None:
    with pytest.raises(ValidationError) as info:
        parse_resident_id(VALID[:17], today=TODAY)
    assert info.value.message_zh == "身份证号应为18位，实际为17位"
    assert VALID[:17] not in str(info.value)


def test_feb_29_of_common_year_rejected() -> None:
    first17 = "37150219990229001"
    number = first17 + resident_id_check_char(first17)
    assert _reason(number) == "id_birth_date"
    leap17 = "37150220000229001"
    assert parse_resident_id(leap17 + resident_id_check_char(leap17), today=TODAY)


@given(addresses, births, sequences)
def test_make_parse_round_trip(address: str, birth: date, sequence: int) -> None:
    parsed = parse_resident_id(make_resident_id(address, birth, sequence), today=TODAY)
    assert parsed.address_code == address
    assert parsed.birth_date == birth
    assert parsed.sequence == f"{sequence:03d}"
    assert parsed.sex == ("M" if sequence % 2 else "F")


@settings(max_examples=50)
@given(resident_ids)
def test_every_single_substitution_rejected(number: str) -> None:
    for pos in range(18):
        for ch in ID_ALPHABET:
            if ch == number[pos]:
                continue
            mutated = number[:pos] + ch + number[pos + 1 :]
            with pytest.raises(ValidationError):
                parse_resident_id(mutated, today=TODAY)


# --- disability certificate --------------------------------------------------------------


@given(resident_ids, st.integers(1, 7), st.integers(1, 4))
def test_certificate_round_trip(number: str, category: int, level: int) -> None:
    cert = parse_certificate(make_certificate(number, category, level), number.lower())
    assert cert == DisabilityCertificate(
        number + f"{category}{level}", number, str(category), str(level)
    )


def test_certificate_repr_hides_class_and_birth_date() -> None:
    cert = parse_certificate(VALID + "41")
    assert repr(cert) == f"DisabilityCertificate('{VALID[:6]}********{VALID[14:18]}**')"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "cert_format"),
        (VALID, "cert_format"),
        (VALID + "81", "cert_format"),
        (VALID + "45", "cert_format"),
        (VALID + "041", "cert_format"),
        ("371502199013010021" + "41", "cert_id_invalid"),
        (VALID[:17] + ("0" if VALID[17] != "0" else "1") + "41", "cert_id_invalid"),
    ],
)
def test_certificate_errors(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_certificate(text)
    assert info.value.code == code
    assert info.value.field == "certificate_number"


@pytest.mark.parametrize(
    ("suffix", "message_zh"),
    [
        ("81", "残疾人证号第19位残疾类别应为1-7，实际为8"),
        ("01", "残疾人证号第19位残疾类别应为1-7，实际为0"),
        ("45", "残疾人证号第20位残疾等级应为1-4，实际为5"),
        ("4X", "残疾人证号第20位残疾等级应为1-4，实际为X"),
    ],
)
def test_a_wrong_category_or_level_digit_is_named(suffix: str, message_zh: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_certificate(VALID + suffix)
    assert (info.value.code, info.value.message_zh) == ("cert_format", message_zh)
    assert VALID not in str(info.value)


# An 18-digit ID (20-digit certificate) that Excel stored as a number: 15 digits are kept.
EXCEL_ID = VALID[:15] + "000"


@pytest.mark.parametrize(
    "text",
    [EXCEL_ID, "3.71502199001011E+17", "3.71502e+17", "３.７１５０２Ｅ＋１７", "3E17"],
)
def test_an_id_that_excel_stored_as_a_number_says_so(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_resident_id(text, today=TODAY)
    assert info.value.code == LOST_DIGITS
    assert info.value.field == "id_number"
    assert (
        info.value.message_zh == "该单元格为数字格式，Excel已丢失末尾数字，请将列设为文本后重新填写"
    )


@pytest.mark.parametrize("text", [VALID[:15] + "00000", "3.71502199001011E+19", "3.7150E+19"])
def test_a_certificate_that_excel_stored_as_a_number_says_so(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_certificate(text)
    assert (info.value.code, info.value.field) == (LOST_DIGITS, "certificate_number")


def test_a_valid_id_ending_in_000_is_still_accepted() -> None:
    ending = [
        number
        for sequence in range(0, 1000, 100)
        if (number := make_resident_id("371502", date(1990, 1, 1), sequence)).endswith("000")
    ]
    assert ending  # sequence 000..900 step 100: at least one has check digit 0
    assert parse_resident_id(ending[0], today=TODAY).number == ending[0]
    assert parse_certificate(ending[0] + "41").resident_id == ending[0]


def test_certificate_format_message_explains_layout() -> None:
    with pytest.raises(ValidationError) as info:
        parse_certificate(VALID)
    assert "20位" in info.value.message_zh and "1–7" in info.value.message_zh


def test_certificate_mismatch() -> None:
    other = make_resident_id("371502", date(1990, 1, 1), 4)
    with pytest.raises(ValidationError) as info:
        parse_certificate(VALID + "41", other)
    assert info.value.code == "cert_id_mismatch"
    assert info.value.message_zh == "残疾人证号前18位与身份证号不一致"
    assert VALID not in str(info.value) and other not in info.value.message_zh


# --- unified social credit code ----------------------------------------------------------

USCC_VECTORS = ["91350100M000100Y43", "91110108551385082Q"]
uscc_bodies = st.builds(
    lambda a, b, div, org: a + b + div + org,
    st.sampled_from("159Y"),
    st.sampled_from("123"),
    st.sampled_from(LIAOCHENG),
    st.text(alphabet=USCC_CHARSET, min_size=9, max_size=9),
)


def test_uscc_charset() -> None:
    assert len(USCC_CHARSET) == 31 and not set("IOSVZ") & set(USCC_CHARSET)


@pytest.mark.parametrize("code", USCC_VECTORS)
def test_uscc_vectors(code: str) -> None:
    assert parse_uscc(code.lower()) == code
    assert uscc_check_char(code[:17]) == code[17]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "uscc_empty"),
        ("91350100M000100Y4", "uscc_length"),
        ("91350100I000100Y43", "uscc_format"),
        ("913501A0M000100Y43", "uscc_format"),
        ("91350100M000100Y44", "uscc_checksum"),
    ],
)
def test_uscc_errors(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_uscc(text)
    assert info.value.code == code
    assert info.value.field == "credit_code"


@settings(max_examples=30)
@given(st.one_of(st.sampled_from(USCC_VECTORS), uscc_bodies.map(make_uscc)))
def test_uscc_every_single_substitution_rejected(code: str) -> None:
    for pos in range(18):
        for ch in USCC_CHARSET + "IOSVZ":
            if ch != code[pos]:
                with pytest.raises(ValidationError):
                    parse_uscc(code[:pos] + ch + code[pos + 1 :])


@given(uscc_bodies)
def test_uscc_round_trip(body: str) -> None:
    code = make_uscc(body)
    assert code[:17] == body and parse_uscc(code) == code


# --- masking -----------------------------------------------------------------------------


def test_mask_examples() -> None:
    number = "37150219900101002X"
    assert mask_resident_id(number) == "371502********002X"
    assert mask_certificate(number + "41") == "371502********002X**"
    assert mask_resident_id("123456789") == "*********"
    assert mask_certificate("") == ""


@given(st.text(alphabet=ID_ALPHABET, min_size=0, max_size=30))
def test_masks_never_show_birth_date_or_more_than_ten(text: str) -> None:
    for masked in (mask_resident_id(text), mask_certificate(text)):
        assert len(masked) == len(text)
        shown = [i for i, ch in enumerate(masked) if ch != "*"]
        assert len(shown) <= 10
        assert not any(6 <= i < 14 for i in shown)
        assert all(masked[i] == text[i] for i in shown)
        if len(text) >= 14:
            assert text[6:14] not in masked
    masked_cert = mask_certificate(text)
    assert all(ch == "*" for ch in masked_cert[18:] + masked_cert[-2:])


@given(resident_ids)
def test_mask_of_valid_id_hides_birth_digits(number: str) -> None:
    assert number[6:14] not in mask_resident_id(number)
    assert number[6:14] not in mask_certificate(number + "41")


def test_mask_sensitive_in_sentence() -> None:
    cert = VALID + "41"
    text = f"张三（身份证{VALID}，残疾人证{cert}），电话13800138000，编号{VALID[:14]}。"
    masked = mask_sensitive(text)
    assert VALID[6:14] not in masked.replace(VALID[:14], "")
    assert f"身份证{VALID[:6]}********{VALID[14:]}，" in masked
    assert f"残疾人证{VALID[:6]}********{VALID[14:]}**）" in masked
    assert "13800138000" in masked and VALID[:14] in masked  # too short to be an ID


@given(st.text(max_size=20), resident_ids, st.text(max_size=20))
def test_mask_sensitive_property(before: str, number: str, after: str) -> None:
    text = f"{before} {number} {after}"
    assert number not in mask_sensitive(text) or number in before + after
