"""Why a row needs a reviewer: a stable English code for programs, a Korean sentence for people.

`review_codes` holds the codes (joined by "; "), `review_reasons` and `uncertain_labels` the
sentences, in the same order. A code names its label after a colon ("low_confidence:sustainability")
so a program can filter on the prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline import config

SEPARATOR = "; "

# The report's names for the labels, as a reviewer reads them (the workbook's headers).
LABEL_NAMES: dict[str, str] = {
    label: config.REVIEW_HEADERS[label]
    for label in ("service_field", "actor_type", "tech_applied", "tech_applicable", "resource_sharing", "sustainability", "meets_criteria")
}


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


def low_confidence(label: str, probability: float) -> Reason:
    return Reason(f"low_confidence:{label}", f"{LABEL_NAMES[label]} 판단의 확신이 낮음 ({probability:.2f})")


NO_DESCRIPTION = Reason(
    "no_description", "사업 내용이 없어 제목만으로 판단함 (자원공유와 충족 여부는 판단하지 않음)"
)
# Evidence sentences of one criterion are joined by this in `evidence_<criterion>`.
SEPARATOR_EVIDENCE = " | "
NO_SHARING_SENTENCE = Reason("no_sharing_sentence", "자원공유: 협업 기관이 자원을 함께 쓴다는 문장을 찾지 못함")


def title_evidence(title: str, cue: str) -> str:
    """Evidence shown when the title decided an O: the title, with its cue word when it has one."""
    return f"[제목] {title} (단서: {cue})" if cue else f"[제목] {title}"


def learned_evidence(sentence: str) -> str:
    """A sentence shown behind an O that no cue word found, only the learned models' reading: marked
    so that a reviewer weighs it as such (it may be context, such as a service running since 2015)."""
    return f"[모델 판단] {sentence}"


def partner_kinds_left_out(actor_type: str, kinds: list[str]) -> Reason:
    """A partner sentence names a kind of participant (민간, 중앙) that the actor type leaves out."""
    named = ", ".join(kinds)
    return Reason("partner_kind_left_out:actor_type", f"주체 유형: 협력 문장에 {named} 참여자가 있으나 {actor_type}(으)로 판단함")


def stated_yet_no(label: str, cue: str) -> Reason:
    """A sentence states what [표 2-4] asks of a criterion, yet the verdict is X."""
    return Reason(f"stated_yet_no:{label}", f"{LABEL_NAMES[label]}: 기준을 충족한다는 문장({cue})이 있으나 X로 판단함")


def unbacked_yes(label: str) -> Reason:
    """An O that no sentence and no cue word backs: the models' scores alone decided it."""
    return Reason(f"unbacked_yes:{label}", f"{LABEL_NAMES[label]}: 뒷받침하는 문장이나 단서 단어 없이 모델 점수만으로 O로 판단함")


def duplicate_id(value: str) -> Reason:
    return Reason("duplicate_id", f"번호 {value}이(가) 다른 행에도 있음")


def not_scored(code: str, text: str) -> Reason:
    return Reason(f"not_scored:{code}", f"채점하지 못함: {text}")


def joined(reasons: list[Reason]) -> tuple[str, str]:
    """(codes, sentences), each joined by "; "."""
    return SEPARATOR.join(r.code for r in reasons), SEPARATOR.join(r.text for r in reasons)
