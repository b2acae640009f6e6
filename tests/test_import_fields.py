"""Cell parsers and header rules shared by every import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from matching import codes
from matching.errors import ConfigError, ValidationError
from matching.imports import SPECS
from matching.imports import fields as f
from matching.imports.headers import header_key, header_lookup
from matching.imports.persons import SPEC


@pytest.mark.parametrize(
    "text",
    ["2024-03-01", "2024/3/1", "2024.03.01", "2024年3月1日", "20240301", "2024-03-01 00:00:00"],
)
def test_dates_in_the_formats_offices_use(text: str) -> None:
    assert f.parse_date(text) == date(2024, 3, 1)


@pytest.mark.parametrize("text", ["2024-02-30", "2023/13/01", "三月一日", "01/03/2024"])
def test_bad_dates_say_what_is_allowed(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        f.parse_date(text)
    assert caught.value.code == "bad_date"
    assert "2024-03-01" in caught.value.message_zh


def test_numbers_accept_full_width_digits_and_thousands_separators() -> None:
    assert f.integer(0, 100000)("３，５００") == 3500
    assert f.decimal_number(Decimal(0), Decimal(12), 1)("6.5") == Decimal("6.5")


def test_extra_decimals_are_refused_not_rounded() -> None:
    with pytest.raises(ValidationError) as caught:
        f.decimal_number(Decimal(0), Decimal(12), 1)("6.25")
    assert caught.value.code == "too_many_decimals"
    assert f.decimal_number(Decimal(0), Decimal(12), 1)("6.50") == Decimal("6.5")


def test_code_sets_keep_labels_that_contain_a_slash() -> None:
    parse = f.code_set(codes.ACCOMMODATIONS)
    assert parse("大字/盲文资料、手语翻译；手语翻译") == ["sign_interpreter", "large_print_braille"]


@pytest.mark.parametrize(
    ("text", "expected"), [("是", True), ("Y", True), ("否", False), ("0", False)]
)
def test_booleans(text: str, expected: bool) -> None:
    assert f.boolean(text) is expected


@pytest.mark.parametrize("text", ["13800000000", "0635-8888888", "06358888888"])
def test_phone_numbers(text: str) -> None:
    assert f.phone(text) == text


def test_header_spellings_fold_marks_and_width() -> None:
    assert header_key(" *身份证号（必填）") == header_key("身份证号") == "身份证号"
    assert header_key("ＩＤ_Number") == "id_number"


@pytest.mark.parametrize("entity", sorted(SPECS))
def test_no_header_spelling_names_two_columns(entity: str) -> None:
    header_lookup(SPECS[entity])


def test_a_spec_with_a_clashing_alias_is_refused() -> None:
    from dataclasses import replace

    clashing = replace(SPEC.fields[1], aliases=("身份证号",))
    with pytest.raises(ConfigError, match="already names"):
        header_lookup(replace(SPEC, fields=(SPEC.fields[0], clashing)))


@pytest.mark.parametrize(
    "value",
    [
        "\u202e",
        "\u202a\u202c",
        "\u2066\u2069",
        "\u200b\u200c\u200d\u200e\u200f",
        "\ufeff",
        "\u3000\u202e",
        "\x07",
    ],
)
def test_text_made_only_of_invisible_characters_is_refused(value: str) -> None:
    for parse in (f.text(50), f.text(50, name=True)):
        with pytest.raises(ValidationError) as info:
            parse(value)
        assert info.value.code == "invisible_text"
        assert info.value.message_zh.startswith("内容不能只包含不可见字符")


@pytest.mark.parametrize("value", ["\u202e张三", "张\u2067三", "王\u202d五"])
def test_a_name_may_not_hold_bidi_controls_anywhere(value: str) -> None:
    assert f.text(50)(value) == value  # free text keeps them
    with pytest.raises(ValidationError) as info:
        f.text(50, name=True)(value)
    assert info.value.code == "bidi_control"


@pytest.mark.parametrize("value", ["张三", "a\u200db", "Ali\u200fyev", "阿卜杜拉·买买提"])
def test_visible_names_pass_unchanged(value: str) -> None:
    assert f.text(50, name=True)(value) == value


def test_every_spec_name_column_refuses_bidi_controls() -> None:
    names = {
        (spec.name, field.key)
        for spec in SPECS.values()
        for field in spec.fields
        if field.key in {"name", "base_name", "assessor"}
    }
    assert names == {
        ("persons", "name"),
        ("employers", "name"),
        ("courses", "base_name"),
        ("assessments", "assessor"),
    }
    for spec in SPECS.values():
        for field in spec.fields:
            if (spec.name, field.key) in names:
                with pytest.raises(ValidationError):
                    field.parse("\u202e张三")
