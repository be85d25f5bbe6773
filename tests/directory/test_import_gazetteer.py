"""`python manage.py import_gazetteer FILE`: ONSPD, Code-Point Open and outcode CSV files."""

import gzip
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.geo import Point, distance_km
from directory.management.commands.import_gazetteer import region_names, town_names
from directory.models import Place

pytestmark = pytest.mark.django_db

ONSPD_HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,laua,ward,"
    "ctry,rgn,lat,long,imd"
)
ONSPD_ROWS = [
    # live postcodes in each nation and a Crown dependency
    '"SE1 7PB","SE1  7PB","SE1 7PB","198001","","0","531000","179900","1","E00000001",'
    '"E99999999","E09000022","E05000416","E92000001","E12000007","51.503540","-0.113110","1000"',
    '"SE1 9SG","SE1  9SG","SE1 9SG","198001","","0","532000","180200","1","E00000002",'
    '"E99999999","E09000028","E05000540","E92000001","E12000007","51.505460","-0.095300","2000"',
    '"CF101EP","CF10 1EP","CF10 1EP","198001","","0","318218","176509","1","W00000001",'
    '"W99999999","W06000015","W05000869","W92000004","W99999999","51.481600","-3.179100","300"',
    '"EH1 1YZ","EH1  1YZ","EH1 1YZ","198001","","0","325851","673857","1","S00000001",'
    '"S99999999","S12000036","S13002926","S92000003","S99999999","55.952000","-3.189000","40"',
    '"GY1 1AA","GY1  1AA","GY1 1AA","199901","","0","","","9","L99999999",'
    '"L99999999","L99999999","L99999999","L93000001","L99999999","49.457000","-2.536000",""',
    # a terminated postcode, and one without a grid reference
    '"AB1 0AA","AB1  0AA","AB1 0AA","198001","199606","0","385386","801193","1","S00090303",'
    '"S99999999","S12000033","S13002843","S92000003","S99999999","57.101474","-2.242851","6808"',
    '"SE1 0ZZ","SE1  0ZZ","SE1 0ZZ","202001","","1","","","9","E99999999",'
    '"E99999999","E09000022","E99999999","E92000001","E12000007","99.999999","0.000000",""',
]

# Ordnance Survey's Code-Point Open: no header row; grid references in metres.
CODEPOINT_ROWS = [
    '"WC2N5DN",10,530047,180422,"E92000001","E19000003","E18000007","","E09000033","E05013806"',
    '"CF101EP",10,318218,176509,"W92000004","","","","W06000015","W05000869"',
    '"SE154QT",10,534479,176479,"E92000001","E19000003","E18000007","","E09000028","E05011104"',
    '"SE1 0ZZ",90,0,0,"E92000001","E19000003","E18000007","","E09000022","E05014112"',
]
# pyproj 3.7 (PROJ 9, OSGB36 → WGS 84 Helmert, as without the OSTN15 grid) puts Code-Point's
# 530047, 180422 at Trafalgar Square here; every OSGB36 → WGS 84 transformation PROJ offers
# agrees within 10 m.
TRAFALGAR_SQUARE = Point(51.507772, -0.127522)

OUTCODE_CSV = """\
outcode,latitude,longitude,town,region,country,source
SE15,51.47241,-0.06629,Camberwell,Greater London,England,gibbs
CF10,51.47434,-3.17773,Butetown,Cardiff,Wales,gibbs
CF11,51.47330,-3.19350,Grangetown,Cardiff,Wales,gibbs
EH3,55.95406,-3.20109,"Inverleith, New Town and Fountainbridge",City of Edinburgh,Scotland,gibbs
LS1,53.79690,-1.54780,Leeds,Leeds,England,gibbs
LS2,53.80290,-1.54710,Leeds,Leeds,England,gibbs
ME17,51.22860,0.64100,Leeds,Kent,England,gibbs
BT1,54.59948,-5.92940,Belfast,Belfast,Northern Ireland,gibbs
GY1,49.45790,-2.53810,St Peter Port,Guernsey,Guernsey,geonames
NP19,51.59020,-2.96280,Alway,Newport,Wales,gibbs
NP20,51.59103,-3.00608,Allt-yr-yn,Newport,Wales,gibbs
PO30,50.69144,-1.31474,Newport,Isle of Wight,England,gibbs
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def onspd_file(tmp_path):
    return write(tmp_path, "ONSPD_TEST_UK.csv", "\n".join([ONSPD_HEADER, *ONSPD_ROWS]) + "\n")


@pytest.fixture
def codepoint_file(tmp_path):
    return write(tmp_path, "se.csv", "\r\n".join(CODEPOINT_ROWS) + "\r\n")


@pytest.fixture
def outcode_file(tmp_path):
    return write(tmp_path, "outcodes.csv", OUTCODE_CSV)


def run_import(path, *options):
    """Run the command; return what it printed to stdout and stderr."""
    stdout, stderr = StringIO(), StringIO()
    call_command("import_gazetteer", str(path), *options, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def gazetteer(kind=None):
    """Every gazetteer row as {(kind, key): (name, latitude, longitude, nation)}."""
    rows = Place.objects.all() if kind is None else Place.objects.filter(kind=kind)
    return {
        (place.kind, place.key): (
            place.name,
            round(place.latitude, 6),
            round(place.longitude, 6),
            place.nation,
        )
        for place in rows
    }


def place(kind, key) -> Place:
    return Place.objects.get(kind=kind, key=key)


# --- ONS Postcode Directory -----------------------------------------------------------------


def test_it_imports_live_located_postcodes_from_an_ons_postcode_directory_file(onspd_file):
    stdout, stderr = run_import(onspd_file)

    assert gazetteer("postcode") == {
        ("postcode", "SE17PB"): ("SE1 7PB", 51.50354, -0.11311, "england"),
        ("postcode", "SE19SG"): ("SE1 9SG", 51.50546, -0.0953, "england"),
        ("postcode", "CF101EP"): ("CF10 1EP", 51.4816, -3.1791, "wales"),
        ("postcode", "EH11YZ"): ("EH1 1YZ", 55.952, -3.189, "scotland"),
        ("postcode", "GY11AA"): ("GY1 1AA", 49.457, -2.536, ""),
    }
    assert "Importing ONSPD_TEST_UK.csv as an ONS Postcode Directory file." in stdout
    assert (
        "Wrote 5 postcodes, 4 postcode districts and 0 places. "
        "Left out 1 terminated postcode and 1 row without a location." in stdout
    )
    assert stderr == ""


def test_it_adds_a_district_at_the_mean_of_its_postcodes(onspd_file):
    run_import(onspd_file)

    assert gazetteer("outcode") == {
        ("outcode", "SE1"): ("SE1", 51.5045, -0.104205, "england"),
        ("outcode", "CF10"): ("CF10", 51.4816, -3.1791, "wales"),
        ("outcode", "EH1"): ("EH1", 55.952, -3.189, "scotland"),
        ("outcode", "GY1"): ("GY1", 49.457, -2.536, ""),
    }


def test_a_postcode_file_leaves_an_existing_district_alone(onspd_file):
    Place.objects.create(
        kind="outcode",
        key="SE1",
        name="Southwark",
        latitude=51.5,
        longitude=-0.09,
        nation="england",
    )
    run_import(onspd_file)
    assert (place("outcode", "SE1").name, place("outcode", "SE1").latitude) == ("Southwark", 51.5)


def test_replace_outcodes_moves_an_existing_district_to_its_postcodes(onspd_file):
    Place.objects.create(
        kind="outcode",
        key="SE1",
        name="Southwark",
        latitude=51.5,
        longitude=-0.09,
        nation="england",
    )
    run_import(onspd_file, "--replace-outcodes")
    assert place("outcode", "SE1").latitude == pytest.approx(51.5045)


def test_it_reads_the_newer_onspd_header_with_dated_column_names(tmp_path):
    path = write(
        tmp_path,
        "NSPL_AUG_2026_UK.csv",
        "pcd7,pcd8,pcds,dointr,doterm,usrtypind,east1m,north1m,gridind,ctry26cd,lat,long\n"
        '"CF101EP","CF10 1EP","CF10 1EP","198001","","0","318218","176509","1","W92000004",'
        '"51.481600","-3.179100"\n',
    )
    run_import(path)
    assert gazetteer("postcode") == {
        ("postcode", "CF101EP"): ("CF10 1EP", 51.4816, -3.1791, "wales")
    }


# --- Code-Point Open ------------------------------------------------------------------------


def test_it_converts_code_point_open_grid_references_to_wgs84(codepoint_file):
    stdout, _stderr = run_import(codepoint_file)

    trafalgar = place("postcode", "WC2N5DN")
    assert trafalgar.name == "WC2N 5DN"
    assert trafalgar.nation == "england"
    point = Point(trafalgar.latitude, trafalgar.longitude)
    assert distance_km(point, TRAFALGAR_SQUARE) < 0.05
    cardiff = place("postcode", "CF101EP")
    assert cardiff.nation == "wales"
    # The grid reference was made from this WGS84 point, so the round trip lands on it.
    assert distance_km(Point(cardiff.latitude, cardiff.longitude), Point(51.4816, -3.1791)) < 0.05
    assert "as a Code-Point Open file" in stdout
    assert "Wrote 3 postcodes, 3 postcode districts and 0 places." in stdout
    assert "1 row without a location" in stdout
    assert not Place.objects.filter(key="SE10ZZ").exists()


def test_a_code_point_file_with_its_header_row_added_is_read_too(tmp_path):
    path = write(
        tmp_path,
        "with-header.csv",
        "\n".join(["PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC", *CODEPOINT_ROWS]) + "\n",
    )
    run_import(path)
    assert Place.objects.filter(kind="postcode").count() == 3


# --- outcode files --------------------------------------------------------------------------


def test_it_imports_an_outcode_file_with_a_place_for_each_town(outcode_file):
    stdout, _stderr = run_import(outcode_file)

    outcodes = gazetteer("outcode")
    assert len(outcodes) == 12
    assert outcodes[("outcode", "SE15")] == ("Camberwell", 51.47241, -0.06629, "england")
    assert outcodes[("outcode", "CF10")] == ("Butetown", 51.47434, -3.17773, "wales")
    assert outcodes[("outcode", "BT1")][3] == "northern_ireland"
    assert outcodes[("outcode", "GY1")][3] == ""

    places = gazetteer("place")
    assert places[("place", "camberwell")] == ("Camberwell", 51.47241, -0.06629, "england")
    assert places[("place", "belfast")][3] == "northern_ireland"
    assert "Importing outcodes.csv as an outcode file." in stdout
    assert f"Wrote 0 postcodes, 12 postcode districts and {len(places)} places." in stdout


def test_a_town_listed_as_several_names_gives_a_place_for_each(outcode_file):
    run_import(outcode_file)
    for key in (
        "inverleith, new town and fountainbridge",
        "inverleith",
        "new town",
        "fountainbridge",
    ):
        assert place("place", key).nation == "scotland"
    assert place("place", "new town").name == "New Town"


def test_a_town_name_shared_far_apart_is_placed_where_most_of_its_districts_are(outcode_file):
    run_import(outcode_file)
    leeds = place("place", "leeds")
    # LS1 and LS2, not halfway between them and Leeds in Kent (ME17).
    assert (leeds.latitude, leeds.longitude) == pytest.approx((53.7999, -1.54745))


def test_a_region_no_town_is_named_after_becomes_a_place_at_its_districts(outcode_file):
    run_import(outcode_file)
    cardiff = place("place", "cardiff")
    assert (cardiff.name, cardiff.nation) == ("Cardiff", "wales")
    assert (cardiff.latitude, cardiff.longitude) == pytest.approx((51.47382, -3.185615))
    # "City of Edinburgh" is found as itself and as plain "Edinburgh".
    assert place("place", "city of edinburgh").name == "City of Edinburgh"
    assert place("place", "edinburgh").name == "Edinburgh"


def test_a_name_both_a_town_and_a_region_goes_to_the_one_with_more_districts(outcode_file):
    run_import(outcode_file)
    newport = place("place", "newport")
    # The city's two districts in Wales, not the town of one on the Isle of Wight.
    assert (newport.latitude, newport.longitude, newport.nation) == pytest.approx(
        (51.590615, -2.98444, "wales")
    )


def test_an_outcode_file_leaves_an_existing_place_alone(outcode_file):
    Place.objects.create(
        kind="place", key="camberwell", name="Camberwell Green", latitude=51.474, longitude=-0.093
    )
    run_import(outcode_file)
    assert place("place", "camberwell").name == "Camberwell Green"


def test_an_outcode_file_needs_only_the_outcode_and_its_point(tmp_path):
    path = write(tmp_path, "bare.csv", "Outcode,Latitude,Longitude\nse15,51.47241,-0.06629\n")
    run_import(path)
    assert gazetteer() == {("outcode", "SE15"): ("SE15", 51.47241, -0.06629, "")}


# --- detection, idempotency, batches --------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "format_name", "described"),
    [
        ("onspd_file", "onspd", "an ONS Postcode Directory file"),
        ("codepoint_file", "codepoint", "a Code-Point Open file"),
        ("outcode_file", "outcodes", "an outcode file"),
    ],
)
def test_it_tells_the_format_from_the_first_line_or_is_told(
    request, fixture, format_name, described
):
    path = request.getfixturevalue(fixture)
    detected, _stderr = run_import(path)
    rows = gazetteer()
    told, _stderr = run_import(path, "--format", format_name)
    assert described in detected
    assert described in told
    assert gazetteer() == rows


def test_a_format_that_does_not_match_the_file_is_a_clear_error(outcode_file):
    with pytest.raises(CommandError, match="lacks the pcds, lat and long columns"):
        run_import(outcode_file, "--format", "onspd")


@pytest.mark.parametrize("fixture", ["onspd_file", "codepoint_file", "outcode_file"])
def test_importing_the_same_file_twice_leaves_the_same_rows(request, fixture):
    path = request.getfixturevalue(fixture)
    run_import(path)
    first = gazetteer()
    run_import(path)
    assert gazetteer() == first
    assert Place.objects.count() == len(first)


def test_small_batches_write_the_same_rows_and_report_progress(onspd_file, outcode_file):
    run_import(onspd_file)
    run_import(outcode_file)
    expected = gazetteer()
    Place.objects.all().delete()

    stdout, _stderr = run_import(onspd_file, "--batch-size", "2")
    run_import(outcode_file, "--batch-size", "2")

    assert gazetteer() == expected
    assert stdout.count(" written") == 3
    assert "to line 3: 2 postcodes, 0 districts written" in stdout


def test_a_postcode_repeated_in_a_batch_is_written_once_with_the_later_row(tmp_path):
    path = write(
        tmp_path,
        "twice.csv",
        "outcode,latitude,longitude\nSE15,51.0,-0.1\nSE15,51.47241,-0.06629\n",
    )
    run_import(path)
    assert gazetteer() == {("outcode", "SE15"): ("SE15", 51.47241, -0.06629, "")}


# --- bad rows -------------------------------------------------------------------------------


BAD_OUTCODE_CSV = """\
outcode,latitude,longitude,town,country
SE15,51.47241,-0.06629,Camberwell,England
NOTACODE,51.5,-0.1,Nowhere,England
CF10,51.47434,-3.17773,Butetown,Wales
SE16,-0.05,51.49,Rotherhithe,England
SE17,51.48,abc,Walworth,England
SE18,51.48,,Woolwich,England
SE19 1AA,51.42,-0.08,Crystal Palace,England
SE20,51.41,-0.05,Anerley,Narnia
SE21,51.44
SE22,nan,-0.07,East Dulwich,England
"""
BAD_LINES = [
    "line 3: 'NOTACODE' is not a UK postcode district",
    "line 5: latitude -0.05 is outside the UK (49 to 61)",
    "line 6: longitude 'abc' is not a number",
    "line 7: longitude '' is not a number",
    "line 8: 'SE19 1AA' is a full postcode, not a postcode district",
    "line 9: country 'Narnia' is not one we know",
    "line 10: expected 5 columns, found 2",
    "line 11: latitude 'nan' is not a number",
]


def test_a_bad_row_means_nothing_is_written_and_every_bad_row_is_reported(tmp_path):
    path = write(tmp_path, "bad.csv", BAD_OUTCODE_CSV)

    with pytest.raises(CommandError) as raised:
        run_import(path, "--batch-size", "1")

    message = str(raised.value)
    assert message.startswith("Nothing was written: 8 rows are not valid.")
    for line in BAD_LINES:
        assert line in message
    assert "--skip-invalid" in message
    assert not Place.objects.exists()


def test_one_bad_postcode_among_good_ones_writes_nothing(tmp_path):
    rows = [*ONSPD_ROWS]
    rows.insert(2, rows[0].replace('"SE1 7PB"', '"SE1 7P"', 3))
    path = write(tmp_path, "onspd.csv", "\n".join([ONSPD_HEADER, *rows]) + "\n")

    with pytest.raises(CommandError) as raised:
        run_import(path)

    assert "Nothing was written: 1 row is not valid.\nline 4: 'SE1 7P' is not a UK postcode" in (
        str(raised.value)
    )
    assert not Place.objects.exists()


def test_skip_invalid_writes_the_good_rows_and_reports_the_bad(tmp_path):
    path = write(tmp_path, "bad.csv", BAD_OUTCODE_CSV)

    stdout, stderr = run_import(path, "--skip-invalid")

    assert set(Place.objects.filter(kind="outcode").values_list("key", flat=True)) == {
        "SE15",
        "CF10",
    }
    assert stderr.startswith("Skipped 8 bad rows:\n")
    for line in BAD_LINES:
        assert line in stderr
    assert "Wrote 0 postcodes, 2 postcode districts and 2 places. Skipped 8 bad rows." in stdout


def test_a_code_point_grid_reference_off_the_grid_is_a_bad_row(tmp_path):
    path = write(tmp_path, "cp.csv", '"WC2N5DN",10,9530047,180422,"E92000001"\n')
    with pytest.raises(
        CommandError,
        match=r"line 1: easting 9530047 is outside the British National Grid \(0 to 700000\)",
    ):
        run_import(path, "--format", "codepoint")


# --- files that are not gazetteers ----------------------------------------------------------


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match=r"^There is no file at .*nowhere\.csv\.$"):
        run_import(tmp_path / "nowhere.csv")


def test_a_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is a folder, not a CSV file"):
        run_import(tmp_path)


def test_an_empty_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="is empty"):
        run_import(write(tmp_path, "empty.csv", "\n\n"))


def test_a_binary_file_is_not_a_csv_file(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\xff\xfe")
    with pytest.raises(CommandError, match=r"logo\.png is not a CSV file: line 1 is not UTF-8"):
        run_import(path)
    assert not Place.objects.exists()


def test_a_text_file_with_binary_data_is_not_a_csv_file(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"\x00\x01\x02,\x03\n")
    with pytest.raises(CommandError, match="not a CSV file: it holds binary data"):
        run_import(path)


def test_a_compressed_file_says_to_unzip_it(tmp_path):
    path = tmp_path / "ONSPD.csv.gz"
    path.write_bytes(gzip.compress(b"pcds,lat,long\n"))
    with pytest.raises(CommandError, match="is a compressed archive, not a CSV file: unzip it"):
        run_import(path)


def test_an_unknown_header_is_a_clear_error(tmp_path):
    path = write(tmp_path, "services.csv", "name,address,phone\nA café,1 High St,0121 496 0000\n")
    with pytest.raises(CommandError) as raised:
        run_import(path)
    assert str(raised.value).startswith(
        f"{path} is not a gazetteer file we know: its first line is 'name,address,phone'."
    )
    assert "outcode, latitude, longitude" in str(raised.value)


def test_json_is_not_a_gazetteer(tmp_path):
    path = write(tmp_path, "places.json", '{"outcode": "SE15", "latitude": 51.47}\n')
    with pytest.raises(CommandError, match="is not a gazetteer file we know"):
        run_import(path)


# --- the real outcode file ------------------------------------------------------------------


def test_it_imports_every_uk_postcode_district_from_the_shared_data(shared_data):
    stdout, stderr = run_import(shared_data / "uk-outcodes.csv")

    assert Place.objects.filter(kind="outcode").count() == 3002
    se15 = place("outcode", "SE15")
    assert (se15.latitude, se15.longitude) == pytest.approx((51.47, -0.06), abs=0.01)
    assert se15.nation == "england"
    assert place("outcode", "CF10").nation == "wales"
    assert place("outcode", "BT1").nation == "northern_ireland"
    assert place("outcode", "AB10").nation == "scotland"
    assert place("outcode", "IM1").nation == ""
    assert place("outcode", "W1A").nation == "england"
    # Search by town works nationally, and a town is where most of its districts are.
    assert place("place", "wolverhampton").nation == "england"
    assert place("place", "cardiff").nation == "wales"
    assert place("place", "leeds").latitude == pytest.approx(53.8, abs=0.1)
    assert stderr == ""
    assert "3,002 postcode districts" in stdout


@pytest.mark.parametrize(
    ("town", "names"),
    [
        ("Camberwell", ["Camberwell"]),
        (
            "Davidson's Mains, Barnton and Cramond",
            ["Davidson's Mains, Barnton and Cramond", "Davidson's Mains", "Barnton", "Cramond"],
        ),
        (
            "The City of Brighton and Hove",
            ["The City of Brighton and Hove", "Brighton and Hove", "Brighton", "Hove"],
        ),
        ("Douglas, Braddan", ["Douglas, Braddan", "Douglas", "Braddan"]),
        ("", []),
    ],
)
def test_a_town_cell_gives_itself_and_each_name_it_lists(town, names):
    assert town_names(town) == names


@pytest.mark.parametrize(
    ("region", "names"),
    [
        ("Greater London", ["Greater London"]),
        ("City of Edinburgh", ["City of Edinburgh", "Edinburgh"]),
        ("Glasgow City", ["Glasgow City", "Glasgow"]),
        ("", []),
    ],
)
def test_a_region_is_found_with_or_without_city(region, names):
    assert region_names(region) == names
