"""The shared catalog: the authored entries every deployment loads, and the
free-exercise-db importer (file, URL, images, merging, idempotence, bad input)."""

import functools
import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from programs.catalog.models import CatalogExercise, CatalogWord
from programs.catalog.services import AUTHORED_PATH, catalog_load
from programs.catalog.text import EQUIPMENT, MUSCLES, normalise

FEDB = Path(__file__).resolve().parents[4] / "shared" / "data" / "free-exercise-db"
pytestmark = pytest.mark.django_db


def fedb_items(*ids: str) -> list[dict]:
    items = json.loads((FEDB / "exercises.json").read_text())
    return [item for item in items if item["id"] in ids] if ids else items


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def small_export(tmp_path):
    """Three free-exercise-db entries with their images beside the JSON, like the repo."""
    ids = ["Barbell_Squat", "Plank", "Alternate_Hammer_Curl"]
    folder = tmp_path / "fedb"
    (folder / "images").mkdir(parents=True)
    (folder / "exercises.json").write_text(json.dumps(fedb_items(*ids)))
    for exercise_id in ids:
        if (FEDB / "images" / exercise_id).exists():
            shutil.copytree(FEDB / "images" / exercise_id, folder / "images" / exercise_id)
    return folder / "exercises.json"


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_authored_catalog_is_loaded_by_migration_with_over_400_entries():
    authored = CatalogExercise.objects.filter(source="mectofitness")
    assert authored.count() >= 400
    assert authored.filter(category="olympic").count() >= 20
    assert authored.filter(category="strongman").count() >= 10
    assert authored.filter(category="cardio").count() >= 20


def test_authored_entries_use_the_shared_vocabulary_and_have_real_text():
    for entry in json.loads(AUTHORED_PATH.read_text()):
        assert set(entry["primary_muscles"] + entry["secondary_muscles"]) <= set(MUSCLES)
        assert set(entry["equipment"]) <= set(EQUIPMENT)
        assert 3 <= len(entry["instructions"]) <= 6, entry["name"]
        assert 2 <= len(entry["cues"]) <= 4, entry["name"]


def test_at_least_150_authored_names_are_not_in_free_exercise_db():
    theirs = {normalise(item["name"]) for item in fedb_items()}
    authored = json.loads(AUTHORED_PATH.read_text())
    new = [e for e in authored if not {normalise(n) for n in [e["name"], *e["aliases"]]} & theirs]
    assert len(new) >= 150


def test_catalog_load_again_changes_nothing():
    before = CatalogExercise.objects.count()
    summary = catalog_load()
    assert (summary.added, summary.updated) == (0, 0)
    assert CatalogExercise.objects.count() == before


def test_catalog_load_updates_an_authored_entry_by_slug(tmp_path):
    entries = json.loads(AUTHORED_PATH.read_text())
    squat = next(e for e in entries if e["slug"] == "back-squat")
    squat["cues"] = ["Brace first", "Sit between the heels"]
    path = tmp_path / "authored.json"
    path.write_text(json.dumps(entries))
    before = CatalogExercise.objects.count()
    summary = catalog_load(path=path)
    assert (summary.added, summary.updated) == (0, 1)
    assert CatalogExercise.objects.get(slug="back-squat").cues == squat["cues"]
    assert CatalogExercise.objects.count() == before


def test_import_merges_by_name_and_alias_and_copies_images(media, small_export):
    before = CatalogExercise.objects.count()
    output = run("import_exercises", str(small_export))
    # Barbell Squat is an alias of the authored Back Squat, Plank of Front Plank
    assert "3 read; added 1, updated 2, skipped 0" in output
    assert CatalogExercise.objects.count() == before + 1
    squat = CatalogExercise.objects.get(slug="back-squat")
    assert squat.source == "mectofitness" and squat.source_id == "Barbell_Squat"
    assert squat.instructions[0].startswith("Set the bar in a rack")  # authored text kept
    assert squat.images == [
        "public/catalog/barbell-squat/0.jpg",
        "public/catalog/barbell-squat/1.jpg",
    ]
    assert (media / "public/catalog/barbell-squat/0.jpg").exists()
    hammer = CatalogExercise.objects.get(source_id="Alternate_Hammer_Curl")
    assert hammer.source == "free-exercise-db" and hammer.images == []  # its images are missing
    assert "missing 2" in output


def test_import_twice_adds_nothing(media, small_export):
    run("import_exercises", str(small_export))
    count = CatalogExercise.objects.count()
    output = run("import_exercises", str(small_export))
    assert "added 0, updated 0, skipped 3" in output
    assert CatalogExercise.objects.count() == count


def test_import_updates_an_imported_entry_when_upstream_changes(media, tmp_path):
    item = {**fedb_items("Alternate_Hammer_Curl")[0], "images": []}
    path = tmp_path / "one.json"
    path.write_text(json.dumps([item]))
    run("import_exercises", str(path))
    item["level"] = "expert"
    path.write_text(json.dumps([item]))
    assert "added 0, updated 1" in run("import_exercises", str(path))
    assert CatalogExercise.objects.get(source_id="Alternate_Hammer_Curl").level == "expert"


def test_import_keeps_differently_spelt_names_apart(media, tmp_path):
    item = {"id": "Dumbell_Curl", "name": "Dumbell Curl", "images": [], "category": "strength"}
    path = tmp_path / "typo.json"
    path.write_text(json.dumps([item, {**item, "id": "Dumbbell_Curl_2", "name": "DUMBBELL curl!"}]))
    output = run("import_exercises", str(path))
    assert "added 1, updated 1" in output  # "DUMBBELL curl!" is the authored Dumbbell Curl
    assert CatalogExercise.objects.filter(search_name="dumbell curl").exists()
    assert CatalogExercise.objects.filter(search_name="dumbbell curl").count() == 1


def test_the_full_free_exercise_db_import_makes_a_library_of_over_1000(media):
    run("import_exercises", str(FEDB / "exercises.json"), "--no-images")
    assert CatalogExercise.objects.count() > 1000
    names = list(CatalogExercise.objects.values_list("search_name", flat=True))
    assert len(names) == len(set(names))
    assert CatalogWord.objects.filter(word="dumbbell").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "is not valid JSON"),
        ('{"name": "Squat"}', "expected a list of exercises"),
        ('[{"id": "x"}]', "exercise #1 has no name"),
    ],
)
def test_bad_input_gives_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run("import_exercises", str(path))


def test_a_missing_file_gives_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_exercises", str(tmp_path / "nope.json"))


@pytest.fixture
def http_server(small_export):
    """The export's folder over HTTP on a free local port (the public URL is unreachable)."""
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(small_export.parent)
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_import_from_a_url_fetches_the_json_and_images(media, http_server):
    output = run("import_exercises", f"{http_server}/exercises.json")
    assert "3 read; added 1, updated 2" in output
    assert "images copied 4" in output
    assert (media / "public/catalog/plank/1.jpg").exists()


def test_an_unreachable_url_gives_a_clear_error(http_server):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_exercises", f"{http_server}/missing.json")


def test_catalog_images_are_served_publicly_with_long_caching(
    media, small_export, business, tenant_client
):
    run("import_exercises", str(small_export))
    squat = CatalogExercise.objects.get(slug="back-squat")
    with tenant_context(business):
        url = squat.image_urls[0]
    response = tenant_client.get(url)  # anonymous
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]


def test_the_image_view_serves_nothing_outside_the_catalog_prefix(media, tenant_client):
    browser = tenant_client
    for path in ["acme/private.jpg", "public/catalog/../../secret", "public/other/x.jpg"]:
        assert browser.get(f"/library/images/{path}").status_code == 404


def _jpeg_with_gps() -> bytes:
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
    out = io.BytesIO()
    Image.new("RGB", (2400, 1200), "orange").save(out, "JPEG", exif=exif)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><script>fetch('/api/v1/clients/')</script>"


def test_imported_images_are_checked_and_re_encoded_and_nothing_else_is_kept(media, tmp_path):
    """An image source is someone else's server: what it sends is stored only if it
    decodes as a JPEG, PNG or WebP image, and then re-encoded (no metadata, at most
    1600 px); SVG and HTML, whatever their names say, are refused."""
    import io

    from PIL import Image

    folder = tmp_path / "fedb"
    (folder / "images" / "Evil").mkdir(parents=True)
    files = {
        "0.jpg": _jpeg_with_gps(),
        "1.svg": SVG,
        "2.png": SVG,
        "3.jpg": HTML,
        "4.html": HTML,
    }
    for name, content in files.items():
        (folder / "images" / "Evil" / name).write_bytes(content)
    item = {"id": "Evil", "name": "Evil Curl", "category": "strength"}
    item["images"] = [f"Evil/{name}" for name in files]
    (folder / "exercises.json").write_text(json.dumps([item]))

    output = run("import_exercises", str(folder / "exercises.json"))

    assert "images copied 1, missing 0, refused 4" in output
    entry = CatalogExercise.objects.get(source_id="Evil")
    assert entry.images == ["public/catalog/evil/0.jpg"]
    assert sorted(p.name for p in (media / "public/catalog/evil").iterdir()) == ["0.jpg"]
    with Image.open(io.BytesIO((media / "public/catalog/evil/0.jpg").read_bytes())) as image:
        assert image.format == "JPEG" and max(image.size) == 1600
        assert not image.getexif().get_ifd(0x8825)  # the GPS position is gone


def test_the_image_view_serves_no_svg_or_html_even_under_the_catalog_prefix(
    media, business, tenant_client
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    for name, content in [("evil.svg", SVG), ("evil.html", HTML), ("evil.xml", SVG)]:
        default_storage.save(f"public/catalog/old/{name}", ContentFile(content))
        assert tenant_client.get(f"/library/images/public/catalog/old/{name}").status_code == 404
