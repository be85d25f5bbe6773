"""The IMHA rules table: every Mental Health Act status in England and Wales, and Scotland and
Northern Ireland, where the 1983 Act's IMHA provisions do not apply.
"""

from pathlib import Path

import pytest

from directory.vocabulary import MHA_STATUSES, NATIONS
from pathways import imha
from pathways.imha import RULES, find_rule, imha_eligibility

# s.130C(2)(a): liable to be detained, "otherwise than by virtue of section 4 or 5(2) or (4)
# ... or section 135 or 136".
ENGLAND_NOT_ELIGIBLE = {"none", "informal", "s4", "s5_2", "s5_4", "s135", "s136"}
# Wales: every compulsory patient, the short-term sections included, and informal in-patients.
WALES_NOT_ELIGIBLE = {"none"}

ENGLAND_CASES = [(status, status not in ENGLAND_NOT_ELIGIBLE) for status in MHA_STATUSES]
WALES_CASES = [(status, status not in WALES_NOT_ELIGIBLE) for status in MHA_STATUSES]


@pytest.mark.parametrize("status, eligible", ENGLAND_CASES)
def test_england(status, eligible):
    answer = imha_eligibility("england", status)
    assert answer.eligible is eligible
    assert answer.nation == "england"
    assert answer.citation.startswith("Mental Health Act 1983 s.130C")


@pytest.mark.parametrize("status, eligible", WALES_CASES)
def test_wales(status, eligible):
    answer = imha_eligibility("wales", status)
    assert answer.eligible is eligible
    assert "Mental Health (Wales) Measure 2010" in answer.citation


@pytest.mark.parametrize("nation", ["scotland", "northern_ireland"])
@pytest.mark.parametrize("status", MHA_STATUSES)
def test_scotland_and_northern_ireland_are_out_of_scope_and_point_to_advocacy(nation, status):
    answer = imha_eligibility(nation, status, considering_s57=True)
    assert answer.eligible is False
    assert "England and Wales" in answer.basis and "advoca" in answer.basis


def test_scotland_names_its_own_law():
    assert imha_eligibility("scotland", "s3").citation == (
        "Mental Health (Care and Treatment) (Scotland) Act 2003 s.259"
    )


@pytest.mark.parametrize(
    "status, changes, eligible, citation",
    [
        # s.57 treatment: anyone, whatever their status
        ("none", {"considering_s57": True}, True, "Mental Health Act 1983 s.130C(3)(a)"),
        ("s136", {"considering_s57": True}, True, "Mental Health Act 1983 s.130C(3)(a)"),
        # ECT (s.58A): under 18 only
        (
            "informal",
            {"considering_s58a": True, "age": 17},
            True,
            "Mental Health Act 1983 s.130C(3)(b)",
        ),
        ("informal", {"considering_s58a": True, "age": 18}, False, "Mental Health Act 1983 s.130C"),
        ("informal", {"considering_s58a": True}, False, "Mental Health Act 1983 s.130C"),
        # already qualifying: the status's own row stands
        ("s3", {"considering_s57": True}, True, "Mental Health Act 1983 s.130C(2)(a)"),
    ],
)
def test_england_treatments_that_give_the_right_whatever_the_status(
    status, changes, eligible, citation
):
    answer = imha_eligibility("england", status, **changes)
    assert (answer.eligible, answer.citation) == (eligible, citation)


def test_every_row_has_a_basis_and_a_citation():
    # eligible rows say so; the others point to general advocacy
    for rule in RULES:
        assert rule.basis.endswith(".") and rule.citation, rule
        if rule.eligible:
            assert "legal right to an IMHA" in rule.basis and " not " not in rule.basis, rule
        else:
            assert "advoca" in rule.basis.split(".", 1)[1], rule


def test_the_table_has_no_duplicate_rows():
    keys = [(rule.nation, rule.status) for rule in RULES]
    assert len(keys) == len(set(keys))


def test_england_and_wales_have_a_row_for_every_status():
    for nation in ("england", "wales"):
        statuses = {rule.status for rule in RULES if rule.nation == nation}
        assert statuses == {*MHA_STATUSES, imha.CONSIDERING_S57, imha.CONSIDERING_S58A_UNDER_18}


def test_every_nation_has_an_answer_for_every_status():
    for nation, _label in NATIONS:
        for status in MHA_STATUSES:
            assert find_rule(nation, status) is not None


def test_an_unknown_status_is_not_eligible_and_says_to_ask():
    answer = imha_eligibility("england", "s999")
    assert answer.eligible is False and "Ask" in answer.basis


def test_the_readme_renders_the_table_row_for_row():
    # pathways/README.md is what a clinician reviews; it must say what the code does
    readme = (Path(__file__).resolve().parents[2] / "pathways" / "README.md").read_text()
    for rule in RULES:
        answer = "yes" if rule.eligible else "no"
        assert f"| {answer} | {rule.citation} | {rule.basis} |" in readme, rule
