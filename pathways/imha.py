"""Independent Mental Health Advocacy (IMHA): who has a legal right to one, as a table.

The law is under reform (the Mental Health Bill 2024–25 amends Part X of the Mental Health Act
1983, and a private member's bill proposes IMHA for informal in-patients in England), so the
rules are rows of data, not branches in code: a reviewer reads `RULES` top to bottom, and a
change in the law is a change to a row. `pathways/README.md` renders the same table.

Every row is (nation, status, eligible, basis, citation). `status` is a Mental Health Act
status code from `directory.vocabulary.MHA_STATUSES`, or one of two "being considered for a
treatment" rows (`CONSIDERING_S57`, `CONSIDERING_S58A_UNDER_18`), or `ANY_STATUS` for a nation
where the 1983 Act's IMHA provisions do not apply at all. The basis is shown to the person in
plain words; the citation is the statutory reference a professional can check.

Sources are listed in ../shared/data/DOMAIN-FACTS.md. Check the text against
legislation.gov.uk before changing a row.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

ENGLAND = "england"
WALES = "wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern_ireland"

# A row for every status in a nation where the 1983 Act's IMHA provisions do not apply.
ANY_STATUS = "*"
# Not statuses but proposed treatments, which give the right whatever the status
# (s.130C(3) in England, s.130I in Wales).
CONSIDERING_S57 = "considering_s57"
CONSIDERING_S58A_UNDER_18 = "considering_s58a_under_18"
ADULT_AGE = 18

_S130C = "Mental Health Act 1983 s.130C"
_S130C_2A = "Mental Health Act 1983 s.130C(2)(a)"
_S130C_2B = "Mental Health Act 1983 s.130C(2)(b)"
_S130C_2C = "Mental Health Act 1983 s.130C(2)(c)"
_S130C_3A = "Mental Health Act 1983 s.130C(3)(a)"
_S130C_3B = "Mental Health Act 1983 s.130C(3)(b)"
_S130I = "Mental Health Act 1983 s.130I (inserted by the Mental Health (Wales) Measure 2010 s.35)"
_S130J = "Mental Health Act 1983 s.130J (inserted by the Mental Health (Wales) Measure 2010 s.36)"
_S130I_J = "Mental Health Act 1983 ss.130I–130J (Mental Health (Wales) Measure 2010)"
_SCOTLAND_ACT = "Mental Health (Care and Treatment) (Scotland) Act 2003 s.259"
_NI_ORDER = "Mental Health (Northern Ireland) Order 1986"


@dataclass(frozen=True)
class ImhaRule:
    nation: str
    status: str
    eligible: bool
    basis: str  # plain English, marked for translation; translated when looked up
    citation: str


@dataclass(frozen=True)
class ImhaEligibility:
    """The answer for one person: the rule that applied, its basis translated."""

    eligible: bool
    nation: str
    basis: str
    citation: str

    def as_dict(self) -> dict[str, object]:
        return {
            "eligible": self.eligible,
            "nation": self.nation,
            "basis": self.basis,
            "citation": self.citation,
        }


def _row(nation: str, status: str, eligible: bool, basis: str, citation: str) -> ImhaRule:
    return ImhaRule(nation, status, eligible, basis, citation)


RULES: tuple[ImhaRule, ...] = (
    # --- England: "qualifying patients", s.130C. The duty to arrange an IMHA falls on the local
    # authority where the person normally lives (s.130A), so the IMHA suggested is the one
    # serving the person's home area. "Liable to be detained" includes leave under s.17.
    _row(ENGLAND, "none", False, N_(
        "You are not under the Mental Health Act, so the legal right to an IMHA does not apply. "
        "General advocacy can still help you have your say."
    ), _S130C),
    _row(ENGLAND, "informal", False, N_(
        "You are in hospital as an informal (voluntary) patient. In England that does not give "
        "a legal right to an IMHA, unless you are being considered for a treatment under "
        "section 57 or, if you are under 18, for ECT under section 58A. General advocacy can "
        "still help you have your say."
    ), _S130C),
    _row(ENGLAND, "s2", True, N_(
        "You are detained under section 2 (for assessment), so you have a legal right to an "
        "IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s3", True, N_(
        "You are detained under section 3 (for treatment), so you have a legal right to an "
        "IMHA. This includes time on leave from hospital."
    ), _S130C_2A),
    # Section 4 is an emergency application: until the second medical recommendation turns it
    # into section 2, it is expressly left out.
    _row(ENGLAND, "s4", False, N_(
        "Section 4 is an emergency power for up to 72 hours, and in England it does not give a "
        "legal right to an IMHA. If a second doctor's recommendation changes it to section 2, "
        "you will have that right. General advocacy can help now."
    ), _S130C_2A),
    # Holding powers are expressly left out.
    _row(ENGLAND, "s5_2", False, N_(
        "Section 5(2) is a doctor's holding power for up to 72 hours, and in England it does "
        "not give a legal right to an IMHA. General advocacy can help now."
    ), _S130C_2A),
    _row(ENGLAND, "s5_4", False, N_(
        "Section 5(4) is a nurse's holding power for up to 6 hours, and in England it does not "
        "give a legal right to an IMHA. General advocacy can help now."
    ), _S130C_2A),
    _row(ENGLAND, "s35", True, N_(
        "You are in hospital under section 35 (a court remand for a report), so you have a "
        "legal right to an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s36", True, N_(
        "You are in hospital under section 36 (a court remand for treatment), so you have a "
        "legal right to an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s37", True, N_(
        "You are in hospital under a hospital order (section 37), so you have a legal right to "
        "an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s37_41", True, N_(
        "You are in hospital under a hospital order with restrictions (sections 37 and 41), so "
        "you have a legal right to an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s38", True, N_(
        "You are in hospital under an interim hospital order (section 38), so you have a legal "
        "right to an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s45a", True, N_(
        "You are in hospital under a hospital direction (section 45A), so you have a legal "
        "right to an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s47", True, N_(
        "You have been transferred from prison to hospital (section 47), so you have a legal "
        "right to an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s47_49", True, N_(
        "You have been transferred from prison to hospital with restrictions (sections 47 and "
        "49), so you have a legal right to an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s48", True, N_(
        "You have been transferred urgently from custody to hospital (section 48), so you have "
        "a legal right to an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, "s48_49", True, N_(
        "You have been transferred urgently from custody to hospital with restrictions "
        "(sections 48 and 49), so you have a legal right to an IMHA."
    ), _S130C_2A),
    # Sections 135 and 136 are place-of-safety powers, not a qualifying detention.
    _row(ENGLAND, "s135", False, N_(
        "Section 135 is a place-of-safety power used with a warrant, and in England it does not "
        "give a legal right to an IMHA. General advocacy can help now."
    ), _S130C_2A),
    _row(ENGLAND, "s136", False, N_(
        "Section 136 is a place-of-safety power used by the police, and in England it does not "
        "give a legal right to an IMHA. General advocacy can help now."
    ), _S130C_2A),
    _row(ENGLAND, "cto", True, N_(
        "You are on a community treatment order (CTO), so you have a legal right to an IMHA."
    ), _S130C_2C),
    _row(ENGLAND, "guardianship", True, N_(
        "You are under guardianship, so you have a legal right to an IMHA."
    ), _S130C_2B),
    # A conditionally discharged restricted patient stays liable to be detained (s.130D(2)(b)
    # names them among the patients within s.130C(2)(a)).
    _row(ENGLAND, "conditional_discharge", True, N_(
        "You are a restricted patient on a conditional discharge, so you have a legal right to "
        "an IMHA."
    ), _S130C_2A),
    _row(ENGLAND, CONSIDERING_S57, True, N_(
        "You are being considered for a treatment under section 57 (such as neurosurgery for "
        "a mental disorder), so you have a legal right to an IMHA whatever your status."
    ), _S130C_3A),
    _row(ENGLAND, CONSIDERING_S58A_UNDER_18, True, N_(
        "You are under 18 and being considered for electroconvulsive therapy (ECT) under "
        "section 58A, so you have a legal right to an IMHA whatever your status."
    ), _S130C_3B),
    # --- Wales: "Welsh qualifying compulsory patients" (s.130I) take in the short-term
    # sections England leaves out, and "Welsh qualifying informal patients" (s.130J) are
    # informal in-patients. The Local Health Boards arrange IMHAs (s.130E).
    _row(WALES, "none", False, N_(
        "You are not under the Mental Health Act and not an in-patient, so the legal right to "
        "an IMHA does not apply. General advocacy can still help you have your say."
    ), _S130I_J),
    _row(WALES, "informal", True, N_(
        "You are an informal (voluntary) in-patient in a hospital in Wales, so you have a legal "
        "right to an IMHA."
    ), _S130J),
    _row(WALES, "s2", True, N_(
        "You are detained under section 2 (for assessment), so you have a legal right to an "
        "IMHA."
    ), _S130I),
    _row(WALES, "s3", True, N_(
        "You are detained under section 3 (for treatment), so you have a legal right to an "
        "IMHA. This includes time on leave from hospital."
    ), _S130I),
    _row(WALES, "s4", True, N_(
        "You are detained in an emergency under section 4. In Wales this gives you a legal "
        "right to an IMHA."
    ), _S130I),
    _row(WALES, "s5_2", True, N_(
        "You are held under a doctor's holding power (section 5(2)). In Wales this gives you a "
        "legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s5_4", True, N_(
        "You are held under a nurse's holding power (section 5(4)). In Wales this gives you a "
        "legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s35", True, N_(
        "You are in hospital under section 35 (a court remand for a report), so you have a "
        "legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s36", True, N_(
        "You are in hospital under section 36 (a court remand for treatment), so you have a "
        "legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s37", True, N_(
        "You are in hospital under a hospital order (section 37), so you have a legal right to "
        "an IMHA."
    ), _S130I),
    _row(WALES, "s37_41", True, N_(
        "You are in hospital under a hospital order with restrictions (sections 37 and 41), so "
        "you have a legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s38", True, N_(
        "You are in hospital under an interim hospital order (section 38), so you have a legal "
        "right to an IMHA."
    ), _S130I),
    _row(WALES, "s45a", True, N_(
        "You are in hospital under a hospital direction (section 45A), so you have a legal "
        "right to an IMHA."
    ), _S130I),
    _row(WALES, "s47", True, N_(
        "You have been transferred from prison to hospital (section 47), so you have a legal "
        "right to an IMHA."
    ), _S130I),
    _row(WALES, "s47_49", True, N_(
        "You have been transferred from prison to hospital with restrictions (sections 47 and "
        "49), so you have a legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s48", True, N_(
        "You have been transferred urgently from custody to hospital (section 48), so you have "
        "a legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s48_49", True, N_(
        "You have been transferred urgently from custody to hospital with restrictions "
        "(sections 48 and 49), so you have a legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s135", True, N_(
        "You have been taken to a place of safety under section 135. In Wales this gives you a "
        "legal right to an IMHA."
    ), _S130I),
    _row(WALES, "s136", True, N_(
        "You have been taken to a place of safety under section 136. In Wales this gives you a "
        "legal right to an IMHA."
    ), _S130I),
    _row(WALES, "cto", True, N_(
        "You are on a community treatment order (CTO), so you have a legal right to an IMHA."
    ), _S130I),
    _row(WALES, "guardianship", True, N_(
        "You are under guardianship, so you have a legal right to an IMHA."
    ), _S130I),
    _row(WALES, "conditional_discharge", True, N_(
        "You are a restricted patient on a conditional discharge, so you have a legal right to "
        "an IMHA."
    ), _S130I),
    # s.130I's treatment limb words it as discussing the treatment with a doctor or approved
    # clinician; check the exact subsection when the reform lands.
    _row(WALES, CONSIDERING_S57, True, N_(
        "You are being considered for a treatment under section 57 (such as neurosurgery for "
        "a mental disorder), so you have a legal right to an IMHA whatever your status."
    ), _S130I),
    _row(WALES, CONSIDERING_S58A_UNDER_18, True, N_(
        "You are under 18 and being considered for electroconvulsive therapy (ECT) under "
        "section 58A, so you have a legal right to an IMHA whatever your status."
    ), _S130I),
    # --- Scotland and Northern Ireland: other laws, out of scope for now. Say so plainly and
    # point to general advocacy, rather than guess at another statute's rules.
    _row(SCOTLAND, ANY_STATUS, False, N_(
        "The IMHA rules of the Mental Health Act 1983 apply in England and Wales, not Scotland. "
        "In Scotland, the Mental Health (Care and Treatment) (Scotland) Act 2003 gives anyone "
        "with a mental disorder a right to independent advocacy: ask for an independent "
        "advocate."
    ), _SCOTLAND_ACT),
    _row(NORTHERN_IRELAND, ANY_STATUS, False, N_(
        "The IMHA rules of the Mental Health Act 1983 apply in England and Wales, not Northern "
        "Ireland, which has its own mental health law. Navigator does not cover it yet: ask for "
        "general advocacy."
    ), _NI_ORDER),
)  # fmt: skip

_BY_KEY: dict[tuple[str, str], ImhaRule] = {(rule.nation, rule.status): rule for rule in RULES}


def find_rule(nation: str, status: str) -> ImhaRule | None:
    """The row for (nation, status), falling back to the nation's `ANY_STATUS` row."""
    return _BY_KEY.get((nation, status)) or _BY_KEY.get((nation, ANY_STATUS))


def imha_eligibility(
    nation: str,
    status: str,
    *,
    age: int | None = None,
    considering_s57: bool = False,
    considering_s58a: bool = False,
) -> ImhaEligibility:
    """Whether a person with `status` in `nation` has a legal right to an IMHA, and why.

    A status that does not qualify by itself still qualifies when the person is being
    considered for s.57 treatment, or is under 18 (age known) and being considered for s.58A
    treatment (ECT). An unknown nation or status gives "not eligible" with a plain basis.
    """
    rule = find_rule(nation, status)
    if rule is None:
        return ImhaEligibility(
            eligible=False,
            nation=nation,
            basis=_(
                "We could not tell from what was given whether you have a legal right to an "
                "IMHA. Ask the ward staff or an advocate."
            ),
            citation=_S130C,
        )
    if not rule.eligible:
        treatment = None
        if considering_s57:
            treatment = _BY_KEY.get((nation, CONSIDERING_S57))
        if treatment is None and considering_s58a and age is not None and age < ADULT_AGE:
            treatment = _BY_KEY.get((nation, CONSIDERING_S58A_UNDER_18))
        if treatment is not None:
            rule = treatment
    return ImhaEligibility(
        eligible=rule.eligible, nation=nation, basis=_(rule.basis), citation=rule.citation
    )
