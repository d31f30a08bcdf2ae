"""Write the Word and OpenDocument fixtures of the import tests.

    python3 -m venv /tmp/docvenv && /tmp/docvenv/bin/pip install python-docx==1.2.0 odfpy==1.4.1 reportlab==5.1.0
    /tmp/docvenv/bin/python test_data/import/make_documents.py

python-docx writes from Word's own default template (its styles.xml and numbering.xml), so the
numbered list below is numbered the way Word numbers one: through the "List Number" style, with no
digits in the text. Names are invented.

The PDFs are drawn with reportlab in DejaVu Sans (a Cyrillic TrueType font, embedded as a subset with
its ToUnicode map, as word processors embed fonts when they export a PDF).
"""

from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from odf import table, text
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.style import ListLevelProperties, Style, TextProperties
from odf.text import ListLevelStyleBullet, ListLevelStyleNumber, ListStyle
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

HERE = Path(__file__).parent


def official_list():
    d = docx.Document()
    d.add_heading("Список військовослужбовців, тіла яких повернуто 14.03.2025", level=1)
    d.add_paragraph("Відповідно до домовленостей передано такі тіла:")
    rows = [
        ("1", "Коваленко Петро Іванович", "12.05.1990", "Харківська", ""),
        ("2", "Мар’яненко Ольга В’ячеславівна", "1987", None, "медик"),
        ("3", "ШЕВЧЕНКО Андрій Миколайович", "03.11.1979", "Полтавська", ""),
        ("4", "Бондар Сергій", "31.02.1990", "Сумська", "дата потребує уточнення"),
        ("5", "", "", "", "невідомий"),
    ]
    t = d.add_table(rows=2 + len(rows), cols=5)
    t.style = "Table Grid"
    hdr = t.rows[0].cells
    hdr[0].text = "№ з/п"
    hdr[1].text = "Прізвище, ім’я, по батькові"
    hdr[2].text = "Дата народження"
    hdr[3].text = "Відомості"
    hdr[3].merge(hdr[4])  # a header cell over two columns (gridSpan)
    sub = t.rows[1].cells
    sub[3].text = "Область"
    sub[4].text = "Примітка"
    for i in range(3):  # the first three header cells run down over both header rows (vMerge)
        t.cell(0, i).merge(t.cell(1, i))
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            if v is not None:
                t.cell(r, c).text = v
    # Both soldiers of one region: the region cell runs down over two rows (vMerge).
    t.cell(3, 3).merge(t.cell(2, 3))
    t.cell(2, 3).text = "Харківська"
    p = t.cell(2, 1).paragraphs[0]
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("(позивний «Грім»)")
    d.add_paragraph("Всього: 5 осіб.")
    d.save(HERE / "official_list.docx")


def family_report():
    d = docx.Document()
    d.add_paragraph("Зниклі безвісти, про яких повідомили родини")
    d.add_paragraph("Станом на 01.10.2025")
    for name in [
        "Ткаченко Василь Петрович, 1985 р.н., м. Ізюм",
        "Гнатюк Ігор Степанович, 1992 р.н.",
        "Лисенко Марія Олегівна, 1979 р.н., с. Велика Писарівка",
        "Романенко Олег, 2001 р.н., зник 12.08.2024",
    ]:
        d.add_paragraph(name, style="List Number")
    d.add_paragraph("Контакт координатора: +380 00 000 00 00")
    d.save(HERE / "family_report.docx")


def by_region():
    d = docx.Document()
    d.add_heading("Загиблі за областями", level=1)
    header = ("№", "ПІБ", "Дата народження")
    regions = [
        ("Харківська область", [("1", "Коваленко Петро Іванович", "12.05.1990"), ("2", "Бондар Іван", "1985")]),
        ("Сумська область", [("3", "Ткач Олег Петрович", "03.11.1979")]),
        ("Полтавська область", [("4", "Гнатюк Ігор", "1992"), ("5", "Лисенко Марія Олегівна", "1979")]),
    ]
    for k, (region, rows) in enumerate(regions):
        d.add_paragraph(region)
        # The second table carries its region as a merged title row above its header.
        title = 1 if k == 1 else 0
        t = d.add_table(rows=title + 1 + len(rows), cols=3)
        t.style = "Table Grid"
        if title:
            t.cell(0, 0).merge(t.cell(0, 2)).text = region
        for c, h in enumerate(header):
            t.cell(title, c).text = h
        for r, row in enumerate(rows, start=title + 1):
            for c, v in enumerate(row):
                t.cell(r, c).text = v
    d.add_paragraph("Разом за областями:")
    summary = d.add_table(rows=2, cols=2)
    summary.cell(0, 0).text = "Область"
    summary.cell(0, 1).text = "Кількість"
    summary.cell(1, 0).text = "Харківська"
    summary.cell(1, 1).text = "2"
    d.save(HERE / "by_region.docx")


def tab_columns():
    d = docx.Document()
    d.add_paragraph("Список загиблих")
    d.add_paragraph("№\tПІБ\tДата народження\tОбласть")
    rows = [
        ("Коваленко Петро Іванович", "12.05.1990", "Харківська"),
        ("Бондар Іван Петрович", "1985", "Сумська"),
        ("Ткач Олег", "03.11.1979", "Полтавська"),
    ]
    for i, (name, born, region) in enumerate(rows, start=1):
        d.add_paragraph(f"{i}\t{name}\t{born}\t{region}")
    d.save(HERE / "tab_columns.docx")


def regional_list():
    doc = OpenDocumentText()
    numbered = ListStyle(name="Numbering1")
    numbered.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix=".", startvalue=1))
    bullets = ListStyle(name="Bullets1")
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    for s in (numbered, bullets):
        s.firstChild.addElement(ListLevelProperties())
        doc.automaticstyles.addElement(s)
    doc.automaticstyles.addElement(bold)
    doc.text.addElement(text.H(outlinelevel=1, text="Загиблі мешканці громади"))
    summary = table.Table(name="Підсумок")
    summary.addElement(table.TableColumn(numbercolumnsrepeated=2))
    for a, b in [("Село", "Кількість"), ("Велика Писарівка", "2"), ("Кам’янка", "1")]:
        tr = table.TableRow()
        for v in (a, b):
            tc = table.TableCell()
            tc.addElement(text.P(text=v))
            tr.addElement(tc)
        summary.addElement(tr)
    doc.text.addElement(summary)
    doc.text.addElement(text.P(text="Пам’ятаємо:"))
    lst = text.List(stylename=numbered)
    for name in [
        "Кравчук Богдан Іванович, 1990 р.н., с. Велика Писарівка",
        "Олійник  Тарас, 1984 р.н.",
        "Савченко Юлія Петрівна, 1995 р.н., с. Кам’янка",
    ]:
        item = text.ListItem()
        p = text.P()
        surname, rest = name.split(" ", 1)
        p.addElement(text.Span(stylename=bold, text=surname))
        p.addText(" " + rest)
        item.addElement(p)
        lst.addElement(item)
    doc.text.addElement(lst)
    # A second list continues the numbering of the first, after a paragraph between them.
    doc.text.addElement(text.P(text="Також:"))
    more = text.List(stylename=numbered, continuenumbering="true")
    item = text.ListItem()
    item.addElement(text.P(text="Дорошенко Микола Васильович, 1970 р.н."))
    more.addElement(item)
    doc.text.addElement(more)
    doc.save(str(HERE / "regional_list.odt"))


def regional_sheet():
    """A spreadsheet (ODS) whose region is written once per region, in a cell merged down over
    that region's rows (number-rows-spanned, the rows under it covered), below a title row and an
    empty row, with columns repeated and rows repeated as LibreOffice writes them."""
    doc = OpenDocumentSpreadsheet()
    sheet = table.Table(name="Список")
    sheet.addElement(table.TableColumn(numbercolumnsrepeated=4))

    def row(cells, repeated=None):
        tr = table.TableRow(numberrowsrepeated=repeated) if repeated else table.TableRow()
        for c in cells:
            tr.addElement(c)
        sheet.addElement(tr)

    def cell(v=None, down=None):
        tc = table.TableCell(numberrowsspanned=down) if down else table.TableCell()
        if v is not None:
            tc.setAttribute("valuetype", "string")
            tc.addElement(text.P(text=v))
        return tc

    row([cell("Список загиблих військовослужбовців")])
    row([table.TableCell(numbercolumnsrepeated=4)])
    row([cell("№"), cell("ПІБ"), cell("Дата народження"), cell("Область")])
    people = [
        ("1", "Кравчук Богдан Іванович", "12.05.1990", "Сумська", 3),
        ("2", "Олійник Тарас Петрович", "03.04.1984", None, 0),
        ("3", "Савченко Юрій Миколайович", "21.11.1995", None, 0),
        ("4", "Дорошенко Микола Васильович", "07.01.1970", "Полтавська", 2),
        ("5", "Ткаченко Андрій Олегович", "15.08.1988", None, 0),
    ]
    for n, name, born, region, span in people:
        last = cell(region, down=span) if region else table.CoveredTableCell()
        row([cell(n), cell(name), cell(born), last])
    row([table.TableCell(numbercolumnsrepeated=4)], repeated=1000)
    doc.spreadsheet.addElement(sheet)
    doc.save(str(HERE / "regional_sheet.ods"))


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def pdf_pages(c, doc):
    c.setFont("DejaVu", 8)
    c.drawRightString(A4[0] - 40, 25, f"Сторінка {doc.page}")


def returned_bodies_pdf():
    """A table over two pages, its header repeated on the second, under a title and a paragraph;
    a row with no birth date (an empty cell), page numbers in the footer."""
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    styles = getSampleStyleSheet()
    for st in styles.byName.values():
        st.fontName = "DejaVu"
    out = SimpleDocTemplate(str(HERE / "returned_bodies.pdf"), pagesize=A4, invariant=1,
                            title="Повернуті тіла", author="tally test fixture")
    story = [
        Paragraph("Список загиблих, тіла яких повернуто 14.03.2025", styles["Heading1"]),
        Paragraph("Відповідно до домовленостей передано такі тіла:", styles["Normal"]),
        Spacer(1, 12),
    ]
    surnames = ["Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук",
                "Мельник", "Савченко", "Руденко"]
    given = ["Петро Іванович", "Андрій Миколайович", "Тарас Петрович", "Юрій Олегович",
             "Богдан Сергійович"]
    regions = ["Харківська", "Полтавська", "Сумська", "Київська", "Львівська"]
    # The header's date cell wraps over two lines; cells have one point of padding, so that a
    # date fills its column and stands closer to the region than two words do: only the grid's
    # rules part them.
    head = styles["Normal"].clone("head", fontName="DejaVu", fontSize=9, leading=11)
    rows = [["№", "Прізвище, ім’я, по батькові", Paragraph("Дата народження", head), "Область"]]
    for i in range(60):
        born = "" if i == 7 else f"{(i * 7) % 28 + 1:02d}.{i % 12 + 1:02d}.{1970 + i % 30}"
        rows.append([str(i + 1), f"{surnames[i % 10]} {given[i % 5]}", born, regions[i % 5]])
    t = Table(rows, repeatRows=1, colWidths=[30, 230, 62, 110])
    t.setStyle(TableStyle([
        ("LEFTPADDING", (0, 0), (-1, -1), 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
        ("FONTNAME", (0, 0), (-1, -1), "DejaVu"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ]))
    story.append(t)
    out.build(story, onFirstPage=pdf_pages, onLaterPages=pdf_pages)


def numbered_list_pdf():
    """A numbered list typed as text (no table), one person a line, as a PDF of a report."""
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    c = pdfcanvas.Canvas(str(HERE / "numbered_list.pdf"), pagesize=A4, invariant=1)
    c.setFont("DejaVu", 14)
    c.drawString(50, 790, "Зниклі безвісти: звернення родин")
    c.setFont("DejaVu", 10)
    lines = [
        "1. Гончаренко Василь Петрович, 1985 р.н., м. Ізюм",
        "2. Литвиненко Олег Іванович, 12.03.1991 р.н., с. Вільшанка",
        "3. Мороз Ігор Васильович, 1978 р.н., м. Бахмут",
    ]
    for k, line in enumerate(lines):
        c.drawString(50, 750 - 16 * k, line)
    c.showPage()
    c.save()


def scanned_pdf():
    """A page with a picture and no text, as a scanned list arrives."""
    c = pdfcanvas.Canvas(str(HERE / "scanned.pdf"), pagesize=A4, invariant=1)
    for k in range(20):
        c.rect(50, 750 - 20 * k, 400, 12, fill=1)
    c.showPage()
    c.save()


official_list()
family_report()
by_region()
tab_columns()
regional_list()
regional_sheet()
returned_bodies_pdf()
numbered_list_pdf()
scanned_pdf()
