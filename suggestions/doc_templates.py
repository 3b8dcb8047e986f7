"""The editable parts of the Word documents: defaults (the documents' original
text), the placeholders each kind may use, the check staff's text passes when
saved, and the filling in.

A placeholder is a name in braces, ``{单位}``; it is filled in one pass, so a
value that itself looks like a placeholder (a title typed as "{日期}") stays as
typed, and nothing is evaluated: the text goes into the document as text
(``congress_portal.wordml`` escapes it and writes no fields)."""
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from congress_portal.accounts import roles
from deputies.models import Congress, Level

from .models import DocumentKind, DocumentTemplate

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

# What each kind may say, with what it means (shown beside the form).
PLACEHOLDERS = {
    DocumentKind.ASSIGNMENT_LETTER: {
        "单位": gettext_lazy("承办单位名称"), "日期": gettext_lazy("交办会日期"), "件数": gettext_lazy("交由该单位办理的件数"),
        "主办件数": gettext_lazy("主办件数"), "分办件数": gettext_lazy("分办件数"), "协办件数": gettext_lazy("协办件数"),
    },
    DocumentKind.SUPERVISION_LETTER: {
        "单位": gettext_lazy("主办（分办）单位名称"), "建议编号": gettext_lazy("建议编号"), "建议标题": gettext_lazy("建议标题"),
        "代表": gettext_lazy("领衔代表姓名"), "交办日期": gettext_lazy("交办日期"), "报送期限": gettext_lazy("报送进展的期限"),
        "日期": gettext_lazy("发文日期"),
    },
    DocumentKind.PROGRESS_NOTICE: {
        "期间": gettext_lazy("通报的年月"), "日期": gettext_lazy("统计截止日期"), "单位数": gettext_lazy("有未办结建议的单位数"),
        "逾期件数": gettext_lazy("逾期未答复件数"),
    },
    DocumentKind.YEARLY_REPORT: {"年度": gettext_lazy("报告年度"), "日期": gettext_lazy("发文日期")},
}

_DEFAULTS = {
    DocumentKind.ASSIGNMENT_LETTER: (
        gettext_lazy("关于交办{level}人大代表建议的函"),
        gettext_lazy(
            "{日期}召开的代表建议交办会议，将{件数}件代表建议交由你单位办理，其中主办{主办件数}件、分办{分办件数}件、协办{协办件数}件。"
            "现将建议目录及答复期限函告如下，请认真研究办理，按期答复代表，并将答复抄送我委。"
        ),
        gettext_lazy("协办单位请在期限内将协办意见送主办单位；主办、分办单位答复须经单位负责人签发。"),
    ),
    DocumentKind.SUPERVISION_LETTER: (
        gettext_lazy("关于督促办理{建议编号}代表建议的函"),
        gettext_lazy("{代表}代表提出的《{建议标题}》（{建议编号}），于{交办日期}交由你单位办理。"),
        gettext_lazy("请你单位高度重视，加大办理力度，加强与代表的沟通，并于{报送期限}前将办理进展和结果书面报送我委。"),
    ),
    DocumentKind.PROGRESS_NOTICE: (
        gettext_lazy("关于{期间}代表建议办理进度情况的通报"),
        gettext_lazy("截至{日期}，{单位数}个承办单位有未办结的代表建议，其中逾期未答复{逾期件数}件。现将各单位办理进度通报如下。"),
        gettext_lazy("请逾期单位抓紧办理，按期答复代表；其他单位对照期限，确保按时办结。"),
    ),
    DocumentKind.YEARLY_REPORT: (gettext_lazy("关于{年度}年度代表建议办理工作情况的报告"), "", ""),
}

# The issuer of a document without a congress (the provincial committee's staff of the whole province).
ISSUER = gettext_lazy("省人民代表大会常务委员会代表工作委员会")
# How officers name a congress's deputies by level (省人大代表, 区人大代表).
_LEVEL_WORDS = {
    Level.NATIONAL: pgettext_lazy("level word of deputies", "全国"),
    Level.PROVINCIAL: pgettext_lazy("level word of deputies", "省"),
    Level.PREFECTURE: pgettext_lazy("level word of deputies", "市"),
}
_PLACE_WORDS = {  # the last character of a county's or township's name
    "县": pgettext_lazy("level word of deputies", "县"),
    "区": pgettext_lazy("level word of deputies", "区"),
    "市": pgettext_lazy("level word of deputies", "市"),
    "乡": pgettext_lazy("level word of deputies", "乡"),
    "镇": pgettext_lazy("level word of deputies", "镇"),
    "乡镇": pgettext_lazy("level word of deputies", "乡镇"),
}


def level_word(congress):
    """省, 市, 县 (区), 乡 (镇): how officers name the congress's deputies (省人大代表)."""
    if congress is None:
        return str(_LEVEL_WORDS[Level.PROVINCIAL])
    if congress.level in _LEVEL_WORDS:
        return str(_LEVEL_WORDS[congress.level])
    last = congress.place[-1:] if congress.place else ""
    if congress.level == Level.TOWNSHIP:
        return str(_PLACE_WORDS[last if last in ("乡", "镇") else "乡镇"])
    return str(_PLACE_WORDS[last if last in ("县", "区", "市") else "县"])


def default_issuer(congress):
    """The county's standing committee for a county's documents (not the
    province's); a township congress has a presidium, not a standing committee."""
    if congress is None:
        return str(ISSUER)
    if congress.level == Level.TOWNSHIP:
        return _("%(place)s人民代表大会主席团") % {"place": congress.place}
    return _("%(place)s人民代表大会常务委员会代表工作委员会") % {"place": congress.place}


def default_template(*, congress, kind):
    title, opening, closing = _DEFAULTS[kind]
    return DocumentTemplate(
        congress=congress, kind=kind, title=str(title).replace("{level}", level_word(congress)), number_prefix="",
        issuer=default_issuer(congress), opening=str(opening), closing=str(closing),
    )


def template_for(*, congress, kind):
    """The congress's saved template of ``kind``, else the default (unsaved)."""
    if congress is not None:
        saved = DocumentTemplate.objects.filter(congress=congress, kind=kind).first()
        if saved is not None:
            return saved
    return default_template(congress=congress, kind=kind)


def congress_for(user):
    """The congress whose templates a staff user's documents use: their own;
    for the whole province, the provincial congress (if there is one)."""
    congress = roles.congress_of(user)
    if congress is None:
        congress = Congress.objects.filter(level=Level.PROVINCIAL).select_related("area").order_by("pk").first()
    return congress


def unknown_placeholders(text, kind):
    return [name for name in dict.fromkeys(PLACEHOLDER.findall(text or "")) if name not in PLACEHOLDERS[kind]]


def fill(text, values):
    """``text`` with each known placeholder replaced by its value, in one pass."""
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text or "")


def paragraphs(text, values):
    """The filled paragraphs of a body part (one per non-empty line)."""
    return [line.strip() for line in fill(text, values).splitlines() if line.strip()]


def doc_number(template, *, year, sequence):
    """文号: 湘人常代字〔2026〕12号 (empty without a sequence number)."""
    if not sequence:
        return ""
    return f"{template.number_prefix}〔{year}〕{sequence}号"
