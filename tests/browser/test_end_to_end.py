"""The whole life of a suggestion, clicked through in Chromium by five people:
a deputy submits with a co-signer, staff register and assign it, the unit
acknowledges and replies, the deputy rates it not satisfied, the unit
re-handles, the deputy rates it satisfied, staff publish it, and an anonymous
visitor finds it by a two-character Chinese keyword. Runs once on a desktop
and once on a phone viewport (the ``device`` fixture)."""
import re

import pytest

from suggestions.models import Status, Suggestion
from tests.browser.conftest import follow_nav, pick
from tests.browser.data import reference_data
from tests.deputies import factories as df

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于加快农村养老服务设施建设的建议"
PDF = {"name": "调研报告.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"}


def test_a_suggestion_from_submission_to_a_public_search(open_browser):
    reference_data()
    term = df.TermFactory()
    lead = df.deputy_user(username="lead", deputy=df.MandateFactory(term=term, deputy__name="杨轩楚").deputy)
    df.deputy_user(username="cosigner", deputy=df.MandateFactory(term=term, deputy__name="万岳思").deputy)
    df.staff_user(username="officer")
    unit = df.HandlingUnitFactory(name="湖南省民政厅")
    df.unit_user(unit=unit, username="minzheng")

    # 1. The lead deputy writes and submits, inviting a co-signer, with an attachment.
    deputy = open_browser("deputy")
    deputy.sign_in("lead")
    page = deputy.page
    follow_nav(page, "提出建议")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("建议内容").fill("我省农村养老服务设施不足，建议加大投入，建设乡镇养老服务中心。")
    page.get_by_label("类别").select_option(label="社会保障")
    pick(page, "邀请附议代表", "万岳", "万岳思（某某公司）")
    page.get_by_label("附件").set_input_files(PDF)
    deputy.shot("form")
    page.get_by_role("button", name="提交建议").click()
    page.get_by_text("建议已提交").wait_for()
    assert page.get_by_text("待审查").first.is_visible()
    suggestion = Suggestion.objects.get(title=TITLE)
    assert suggestion.attachments.count() == 1

    # 2. The co-signer confirms.
    cosigner = open_browser("cosigner")
    cosigner.sign_in("cosigner")
    follow_nav(cosigner.page, "附议邀请")
    cosigner.page.get_by_role("button", name="确认附议").click()
    cosigner.page.get_by_text("已确认附议").wait_for()

    # 3. Staff register and assign it.
    staff = open_browser("staff")
    staff.sign_in("officer")
    page = staff.page
    follow_nav(page, "审查")
    page.get_by_role("link", name=TITLE).click()
    page.locator("#form-register").get_by_role("button", name="审查通过").click()
    page.get_by_text("审查通过，已编号。").wait_for()
    pick(page.locator("#form-assign"), "主办单位", "民政", "湖南省民政厅")
    staff.shot("assign")
    page.locator("#form-assign").get_by_role("button", name="交办").click()
    page.get_by_text("已交办。").wait_for()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED and suggestion.number == 1

    # 4. The unit acknowledges and replies.
    unit_browser = open_browser("unit")
    unit_browser.sign_in("minzheng")
    page = unit_browser.page
    follow_nav(page, "待办建议")
    assert page.locator("table").get_by_text("待签收").first.is_visible()
    unit_browser.shot("inbox")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    page.get_by_role("button", name="签收").click()
    page.get_by_text("已签收。").wait_for()
    reply = page.locator("#form-reply")
    reply.get_by_label("答复内容").fill("经研究，我厅已将乡镇养老服务中心建设列入年度计划，明年完成二十个。")
    reply.get_by_label("办理结果类别").select_option(label="B 正在解决或列入计划解决")
    reply.get_by_label("签发领导").fill("李厅长")
    reply.get_by_role("button", name="提交答复").click()
    page.get_by_text("答复已提交，已送领衔代表测评。").wait_for()

    # 5. The deputy rates it not satisfied: first without the comment the rule asks for.
    page = deputy.page
    page.goto(f"/suggestions/mine/{suggestion.pk}/")
    rate = page.locator("#form-rate")
    rate.locator("fieldset", has_text="办理过程评价").get_by_label("基本满意", exact=True).check()
    rate.locator("fieldset", has_text="办理结果评价").get_by_label("不满意", exact=True).check()
    rate.get_by_role("button", name="提交测评").click()
    error = page.locator("#form-rate .errorlist")
    error.first.wait_for()
    assert "不满意时请说明意见" in error.first.inner_text()
    # What was chosen is still chosen.
    assert page.locator("#form-rate").locator("fieldset", has_text="办理结果评价").get_by_label("不满意", exact=True).is_checked()
    deputy.shot("rating-error")
    page.locator("#form-rate").get_by_label("意见").fill("资金安排不明确，未解决实际问题。")
    page.locator("#form-rate").get_by_role("button", name="提交测评").click()
    # 不满意 first says where the item goes, and waits for the deputy to confirm.
    page.get_by_text("选择不满意后，本件退回湖南省民政厅重新办理").wait_for()
    page.locator("#form-rate").get_by_role("button", name="确认提交").click()
    page.get_by_text("测评已提交：本件已退回湖南省民政厅重新办理").wait_for()
    assert page.get_by_text("重新办理中").first.is_visible()

    # 6. The unit re-handles and replies again.
    page = unit_browser.page
    page.reload()
    reply = page.locator("#form-reply")
    reply.get_by_label("答复内容").fill("经重新办理，省财政已安排专项资金三千万元，年内建成乡镇养老服务中心二十个。")
    reply.get_by_label("办理结果类别").select_option(label="A 已经解决或基本解决")
    reply.get_by_label("签发领导").fill("李厅长")
    reply.get_by_role("button", name="提交答复").click()
    page.get_by_text("答复已提交，已送领衔代表测评。").wait_for()

    # 7. The deputy rates it satisfied: closed.
    page = deputy.page
    page.reload()
    rate = page.locator("#form-rate")
    rate.locator("fieldset", has_text="办理过程评价").get_by_label("满意", exact=True).check()
    rate.locator("fieldset", has_text="办理结果评价").get_by_label("满意", exact=True).check()
    rate.get_by_role("button", name="提交测评").click()
    page.get_by_text("测评已提交，本件已办结。").wait_for()
    assert page.get_by_text("已办结").first.is_visible()

    # 8. Staff publish it in full.
    page = staff.page
    follow_nav(page, "公开审定")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    page.locator("#form-disclosure").get_by_label("全文公开").check()
    page.locator("#form-disclosure").get_by_role("button", name="保存公开决定").click()
    page.get_by_text("公开决定已保存。").wait_for()

    # 9. An anonymous visitor finds it by a two-character word and reads the reply.
    visitor = open_browser("visitor")
    page = visitor.page
    page.goto("/")
    page.get_by_label("搜索已公开的建议和答复").fill("养老")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=re.compile(TITLE)).click()
    assert page.get_by_text("省财政已安排专项资金三千万元").is_visible()
    assert page.get_by_text("湖南省民政厅").first.is_visible()
    visitor.shot("public-detail")
    # No personal data and no attachment on the public page.
    html = page.content()
    assert lead.deputy.id_number not in html and lead.deputy.phone not in html
    assert "调研报告.pdf" not in html
