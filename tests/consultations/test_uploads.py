import io
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.text import P
from PIL import Image
from pypdf import PdfWriter

from consultations import uploads
from consultations.uploads import CheckedUpload, sanitise_filename, validate_upload


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages; the Polish catalogue is checked elsewhere."""
    with translation.override("en"):
        yield


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes():
    document = docx.Document()
    document.add_paragraph("Wniosek o usługi opiekuńcze")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odf_bytes(document, *, text=True):
    if text:
        document.text.addElement(P(text="Uchwała Rady Gminy"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="{main}"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def xlsx_bytes(main=XLSX_MAIN, extra=None):
    """A minimal workbook with one sheet, written by hand (no spreadsheet library is installed)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return zip_bytes(
        {
            "[Content_Types].xml": CONTENT_TYPES.format(main=main),
            "_rels/.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": f'<workbook {ns} xmlns:r="{rel}"><sheets>'
            '<sheet name="Koszty" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
            "xl/worksheets/sheet1.xml": f'<worksheet {ns}><sheetData><row r="1"><c r="A1" t="inlineStr">'
            "<is><t>Koszt usług</t></is></c></row></sheetData></worksheet>",
            **(extra or {}),
        }
    )


def image_bytes(image_format, size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=image_format)
    return out.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data)


def refusal(name, data, **kwargs):
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(name, data), **kwargs)
    return caught.value


# Accepted files


@pytest.mark.parametrize(
    ("name", "make", "kind", "content_type"),
    [
        ("wniosek.pdf", pdf_bytes, "pdf", "application/pdf"),
        (
            "pismo.docx",
            docx_bytes,
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "koszty.xlsx",
            xlsx_bytes,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "uchwala.odt",
            lambda: odf_bytes(OpenDocumentText()),
            "odt",
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "budzet.ods",
            lambda: odf_bytes(OpenDocumentSpreadsheet(), text=False),
            "ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("skan.png", lambda: image_bytes("PNG"), "png", "image/png"),
        ("zdjecie.jpg", lambda: image_bytes("JPEG"), "jpeg", "image/jpeg"),
        ("zdjecie.JPEG", lambda: image_bytes("JPEG"), "jpeg", "image/jpeg"),
    ],
)
def test_real_documents_and_images_are_accepted(name, make, kind, content_type):
    data = make()
    file = upload(name, data)
    checked = validate_upload(file)
    assert checked == CheckedUpload(
        kind=kind, content_type=content_type, filename=name.lower(), size=len(data)
    )
    # Rewound, so the caller can store the file as it came.
    assert file.tell() == 0
    assert file.read() == data


def test_a_file_on_disk_is_read_in_chunks_and_rewound():
    data = docx_bytes()
    file = TemporaryUploadedFile("pismo.docx", "application/octet-stream", len(data), None)
    file.write(data)
    file.seek(0)
    try:
        assert validate_upload(file).kind == "docx"
        assert file.tell() == 0
    finally:
        file.close()


# Refused files


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("strona.html", b"<!doctype html><html><body><script>alert(1)</script></body></html>"),
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 200),
        ("notatka.txt", "Zwykły tekst".encode()),
        ("stary.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ("bez-rozszerzenia", pdf_bytes()),
    ],
)
def test_other_types_are_refused_by_their_extension(name, data):
    error = refusal(name, data)
    assert error.code == "extension"
    accepted = "PDF, DOCX, XLSX, ODT, ODS, PNG, JPEG"
    assert error.messages == [f"{name}: files of this type are not accepted. Accepted types: {accepted}."]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("wniosek.pdf", b"<!doctype html><html><body>Wniosek</body></html>"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("faktura.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),
        ("faktura.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),
        ("pismo.docx", zip_bytes({"readme.txt": "to nie jest dokument"})),
        ("pismo.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ],
)
def test_content_of_no_accepted_type_is_refused_whatever_its_name(name, data):
    assert refusal(name, data).code == "unknown_content"


@pytest.mark.parametrize(
    ("name", "make", "detected"),
    [
        ("pismo.docx", pdf_bytes, "PDF"),
        ("wniosek.pdf", docx_bytes, "DOCX"),
        ("koszty.xlsx", docx_bytes, "DOCX"),
        ("pismo.docx", xlsx_bytes, "XLSX"),
        ("pismo.docx", lambda: odf_bytes(OpenDocumentText()), "ODT"),
        ("budzet.ods", lambda: odf_bytes(OpenDocumentText()), "ODT"),
        ("skan.jpg", lambda: image_bytes("PNG"), "PNG"),
    ],
)
def test_the_extension_must_agree_with_the_content(name, make, detected):
    error = refusal(name, make())
    assert error.code == "mismatch"
    assert error.messages == [
        f"{name}: the content is {detected}, which does not match the file's extension."
    ]


def test_the_size_limit_is_checked_on_the_real_content():
    data = pdf_bytes()
    error = refusal("wniosek.pdf", data, max_bytes=len(data) - 1)
    assert error.code == "too_large"
    assert validate_upload(upload("wniosek.pdf", data), max_bytes=len(data)).size == len(data)


def test_an_empty_file_is_refused():
    assert refusal("wniosek.pdf", b"").code == "empty"


def test_damaged_images_and_archives_are_refused():
    png = image_bytes("PNG", size=(200, 200))
    assert refusal("skan.png", png[: len(png) // 2]).code == "damaged"
    document = docx_bytes()
    # The local header survives but the central directory is cut off.
    assert refusal("pismo.docx", document[: len(document) - 30]).code == "damaged"


def test_macro_enabled_office_documents_are_refused():
    macro_type = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert refusal("koszty.xlsx", xlsx_bytes(main=macro_type)).code == "macros"
    assert refusal("koszty.xlsx", xlsx_bytes(extra={"xl/vbaProject.bin": b"\x00" * 64})).code == "macros"
    odt = zipfile.ZipFile(io.BytesIO(odf_bytes(OpenDocumentText())))
    with_macros = {entry.filename: odt.read(entry) for entry in odt.infolist()} | {
        "Basic/Standard/Module1.xml": "<script/>"
    }
    assert refusal("uchwala.odt", zip_bytes(with_macros, zipfile.ZIP_STORED)).code == "macros"


@pytest.fixture
def opened_entries(monkeypatch):
    """Names of the archive entries decompressed from now on."""
    opened = []
    original_open = zipfile.ZipFile.open

    def recording_open(self, name, *args, **kwargs):
        opened.append(name)
        return original_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recording_open)
    return opened


def test_an_archive_that_unpacks_to_too_much_is_refused_without_unpacking(monkeypatch, opened_entries):
    monkeypatch.setattr(uploads, "MAX_UNPACKED_BYTES", 1024 * 1024)
    # 4 MB of zeros compress to a few kilobytes: a small file that would unpack far beyond the limit.
    bomb = xlsx_bytes(extra={"xl/media/zeros.bin": b"\x00" * (4 * 1024 * 1024)})
    assert len(bomb) < 20_000
    opened_entries.clear()
    assert refusal("koszty.xlsx", bomb).code == "unpacks_too_large"
    assert opened_entries == []


def test_an_archive_with_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ARCHIVE_ENTRIES", 10)
    many = xlsx_bytes(extra={f"xl/media/image{i}.png": b"x" for i in range(10)})
    assert refusal("koszty.xlsx", many).code == "unpacks_too_large"


def test_only_the_small_identifying_entry_is_decompressed(opened_entries):
    workbook, text = xlsx_bytes(), odf_bytes(OpenDocumentText())
    opened_entries.clear()
    validate_upload(upload("koszty.xlsx", workbook))
    validate_upload(upload("uchwala.odt", text))
    assert opened_entries == ["[Content_Types].xml", "mimetype"]


def test_an_image_with_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100 * 100)
    assert refusal("skan.png", image_bytes("PNG", size=(101, 100))).code == "unpacks_too_large"
    assert validate_upload(upload("skan.png", image_bytes("PNG", size=(100, 100)))).kind == "png"


def test_only_the_kinds_asked_for_are_accepted():
    error = refusal("skan.png", image_bytes("PNG"), kinds=("pdf", "docx"))
    assert error.messages == ["skan.png: files of this type are not accepted. Accepted types: PDF, DOCX."]


def test_messages_name_the_file_without_its_path():
    error = refusal("C:\\Users\\urzednik\\Pulpit\\wirus.exe", b"MZ")
    assert error.messages[0].startswith("wirus.exe: ")


# File names


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Wniosek o zasiłek (1).PDF", "pdf", "Wniosek o zasiłek (1).pdf"),
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\Users\\Anna\\Pulpit\\skan.jpeg", "jpeg", "skan.jpeg"),
        ('zażółć"<img src=x onerror=alert(1)>.docx', "docx", "zażółć_img src_x onerror_alert(1).docx"),
        ("<script>alert(1)</script>.docx", "docx", "script.docx"),
        ("raport\u202efdp.docx", "docx", "raport_fdp.docx"),
        ("  ...ukryty.pdf", "pdf", "ukryty.pdf"),
        (".pdf", "pdf", "zalacznik.pdf"),
        ("skan", "png", "skan.png"),
        ("zdjęcie.jpg", "jpeg", "zdjęcie.jpg"),
        ("a" * 300 + ".odt", "odt", "a" * 96 + ".odt"),
    ],
)
def test_sanitise_filename(name, kind, expected):
    assert sanitise_filename(name, kind=kind) == expected


def test_the_checked_name_carries_the_detected_kinds_extension():
    checked = validate_upload(upload("Skan Wniosku.JPG", image_bytes("JPEG")))
    assert checked.filename == "Skan Wniosku.jpg"
