from io import StringIO

import pytest
from django.core.management import call_command

from knowledge.models import Organisation, ResourcePage
from tests.factories import ResourceFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = """title,summary,format,level,language,year,authors,organisations,series,series_number,doi,url,tags,regions,countries,group
Open school data,How ministries publish school data.,report,national,en,2021,"Diallo, Amina; Silva, João",UNESCO,IIEP information paper,31,https://doi.org/10.5555/import-1,,open data; schools,africa,SN;KE,data-governance
Teacher census dataset,Teachers by school and year.,dataset,national,fr,2020,,UIS,,,,https://example.org/teachers,teachers,,,
Lesson on census timing,Run the census after enrolment settles.,lesson-learned,all-levels,en,2019,,,,,,https://example.org/lesson,,,,
"""

BAD_CSV = """title,summary,format,year,doi,url,language
Good one,A fine resource.,report,2020,,https://example.org/good,en
No summary,,report,2020,,,en
Bad format,Something.,memo,2020,,,en
Bad year,Something.,report,1492,,,en
Future year,Something.,report,2999,,,en
Bad DOI,Something.,report,2020,not-a-doi,,en
Bad URL,Something.,report,2020,,ht!tp://nope,en
Bad language,Something.,report,2020,,,klingon
Another good one,Also fine.,book,2021,10.5555/import-9,,es
"""

GOOD_RIS = """TY  - RPRT
TI  - Data governance in education ministries
AU  - Rahman, Farida
AU  - Okafor, Ngozi
PY  - 2022
PB  - World Bank
T3  - Education working papers
IS  - 12
DO  - 10.5555/ris-1
KW  - data governance
KW  - ministries
LA  - eng
AB  - A review of data governance rules in ten ministries.
ER  -

TY  - DATA
TI  - Enrolment by grade, 2010-2020
PY  - 2021/06/30/
PB  - UIS
UR  - https://example.org/enrolment
ER  -

TY  - XXXX
TI  - Unknown type
ER  -

TY  - JOUR
TI  - Unclosed record
"""


def run(path, *args):
    out = StringIO()
    call_command("import_resources", str(path), "--no-progress", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def csv_file(tmp_path):
    def write(text, name="resources.csv"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_good_csv_creates_published_resources(library, group, csv_file):
    output = run(csv_file(GOOD_CSV))

    assert "3 created, 0 updated, 0 unchanged, 0 rejected (of 3 rows)" in output
    report = ResourcePage.objects.get(doi="10.5555/import-1")
    assert report.live
    assert report.get_parent().pk == group.pk
    assert report.author_list == ["Diallo, Amina", "Silva, João"]
    assert report.series_label == "IIEP information paper no. 31"
    assert sorted(report.tags.names()) == ["open data", "schools"]
    assert [country.code for country in report.countries] == ["KE", "SN"]
    assert report.regions == ["africa"]
    assert Organisation.objects.filter(name="UNESCO").exists()
    lesson = ResourcePage.objects.get(external_url="https://example.org/lesson")
    assert lesson.knowledge_type == "tacit"
    assert lesson.get_parent().specific.__class__.__name__ == "KnowledgeIndexPage"


def test_reimport_updates_by_doi_or_url_and_never_duplicates(library, group, csv_file):
    run(csv_file(GOOD_CSV))

    output = run(csv_file(GOOD_CSV))
    assert "0 created, 0 updated, 3 unchanged, 0 rejected" in output

    changed = GOOD_CSV.replace("How ministries publish school data.", "New summary.")
    output = run(csv_file(changed))

    assert "0 created, 1 updated, 2 unchanged" in output
    assert ResourcePage.objects.count() == 3
    resource = ResourcePage.objects.get(doi="10.5555/import-1")
    assert resource.summary == "New summary."
    assert resource.revisions.count() == 2


def test_bad_rows_are_reported_with_line_numbers_and_nothing_partial(library, csv_file):
    output = run(csv_file(BAD_CSV))

    assert "2 created, 0 updated, 0 unchanged, 7 rejected (of 9 rows)" in output
    assert "line 3: summary: This field is required." in output
    assert "line 4: format: Select a valid choice. memo is not one of" in output
    assert "line 5: year: Ensure this value is greater than or equal to 1900." in output
    assert "line 6: year: Ensure this value is less than or equal to" in output
    assert "line 7: doi: “not-a-doi” is not a DOI" in output
    assert "line 8: url: Enter a valid URL." in output
    assert "line 9: language: “klingon” is not a known language" in output
    assert sorted(ResourcePage.objects.values_list("title", flat=True)) == [
        "Another good one",
        "Good one",
    ]


def test_a_row_failing_at_save_leaves_nothing_behind(library, csv_file):
    ResourceFactory(title="Taken", slug="taken", external_url="https://example.org/a")
    organisations_before = Organisation.objects.count()
    # Matches the existing resource by link, but its new DOI belongs to no one and
    # its title is too long for the database: rejected at save, fully rolled back.
    text = (
        "title,summary,format,url,organisations\n"
        f"{'x' * 300},Summary.,report,https://example.org/a,Brand new publisher\n"
    )

    output = run(csv_file(text))

    assert "1 rejected" in output
    assert "line 2: title: Ensure this value has at most 255 characters" in output
    assert Organisation.objects.count() == organisations_before
    assert ResourcePage.objects.get(slug="taken").title == "Taken"


def test_dry_run_checks_everything_and_saves_nothing(library, group, csv_file):
    output = run(csv_file(GOOD_CSV), "--dry-run")

    assert "Dry run, nothing saved. Would have: 3 created" in output
    assert not ResourcePage.objects.exists()
    assert not Organisation.objects.exists()


def test_ris_import_maps_fields_and_reports_bad_records(library, tmp_path):
    path = tmp_path / "library.ris"
    path.write_text(GOOD_RIS, encoding="utf-8")

    output = run(path)

    assert "2 created, 0 updated, 0 unchanged, 2 rejected (of 4 rows)" in output
    assert "line 23: RIS type “XXXX” has no matching format" in output
    assert "line 27: record not closed by an ER line" in output
    report = ResourcePage.objects.get(doi="10.5555/ris-1")
    assert report.format == "report"
    assert report.author_list == ["Rahman, Farida", "Okafor, Ngozi"]
    assert report.publication_year == 2022
    assert report.series == "Education working papers"
    assert report.series_number == "12"
    assert report.language == "en"
    assert [o.name for o in report.organisations.all()] == ["World Bank"]
    dataset = ResourcePage.objects.get(external_url="https://example.org/enrolment")
    assert dataset.format == "dataset"
    assert dataset.publication_year == 2021
    assert dataset.summary == "Data set published by UIS in 2021."

    assert "0 created, 0 updated, 2 unchanged" in run(path)


def test_progress_bar_on_stderr_and_clear_error_for_a_missing_file(
    library, group, csv_file, capsys
):
    from django.core.management.base import CommandError

    call_command("import_resources", str(csv_file(GOOD_CSV)), stdout=StringIO())

    progress = capsys.readouterr().err
    assert "Importing: 100%" in progress
    assert "3/3" in progress
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_resources", "/nonexistent.csv", stdout=StringIO())
