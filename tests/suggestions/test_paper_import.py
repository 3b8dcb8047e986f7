"""The paper-suggestion import (/api/suggestions/import/) reads through the
guarded xlsx reader: unknown columns, formulas, a second sheet, a file that is
not xlsx and too many rows are refused whole, in Chinese, naming row and column."""
import io

import pytest
from django.test import override_settings
from openpyxl import Workbook
from rest_framework.test import APIClient

from suggestions.excel import IMPORT_HEADERS
from suggestions.models import Suggestion
from tests.deputies import factories as df
from tests.suggestions.factories import Actors

pytestmark = pytest.mark.django_db


def book(lines, header=IMPORT_HEADERS, second_sheet=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for line in lines:
        sheet.append(line)
    if second_sheet is not None:
        other = workbook.create_sheet("第二批")
        for line in second_sheet:
            other.append(line)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "paper.xlsx"
    return out


@pytest.fixture
def post():
    actors = Actors()
    session = df.SessionFactory(term=actors.deputy.mandates.get().term)
    client = APIClient()
    client.force_authenticate(actors.staff)
    name = actors.deputy.name

    def send(upload):
        response = client.post("/api/suggestions/import/", {"file": upload, "session": session.pk}, format="multipart")
        return response.status_code, str(response.json())

    send.line = [name, "", "关于加强农村饮水安全的建议", "建议……", "交通建设", "", "是"]
    return send


def test_an_unknown_column_is_refused_by_name(post):
    status, text = post(book([post.line + ["张三的备注"]], header=IMPORT_HEADERS + ["备注"]))
    assert status == 400 and "第1行「备注」：无法识别的列" in text
    status, text = post(book([post.line[1:]], header=IMPORT_HEADERS[1:]))
    assert status == 400 and "缺少必填列：「领衔代表」" in text
    assert not Suggestion.objects.exists()


def test_a_formula_is_named_not_reported_as_empty(post):
    line = list(post.line)
    line[2] = '="关于"&"交通"&"的建议"'
    status, text = post(book([post.line, line]))
    assert status == 400 and "第3行「标题」是公式" in text and "不能为空" not in text
    assert not Suggestion.objects.exists()


def test_a_second_sheet_with_content_is_refused(post):
    status, text = post(book([post.line], second_sheet=[IMPORT_HEADERS, post.line]))
    assert status == 400 and "「Sheet」、「第二批」" in text
    assert not Suggestion.objects.exists()


def test_a_file_that_is_not_xlsx_is_refused_in_chinese(post):
    upload = io.BytesIO("领衔代表,标题\n张三,关于\n".encode())
    upload.name = "paper.csv"
    status, text = post(upload)
    assert status == 400 and "不是 .xlsx 格式的 Excel 文件" in text


@override_settings(PORTAL_IMPORT_MAX_ROWS=2)
def test_rows_past_the_limit_are_refused(post):
    status, text = post(book([post.line] * 3))
    assert status == 400 and "表格超过2行数据的上限（第4行已超出）" in text
    assert not Suggestion.objects.exists()
    status, _text = post(book([post.line] * 2))
    assert status == 201 and Suggestion.objects.count() == 2
