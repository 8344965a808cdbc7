"""Measurements: logging in the portal, the back office and the API; validation;
one value per metric per day; charts in the viewer's units; who sees what."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from clients.models import Client, Measurement, Metric
from clients.selectors_progress import progress_series
from clients.services.measurements import measurement_record, metric_create

pytestmark = pytest.mark.django_db

TODAY = timezone.now().date()


def metric(key: str) -> Metric:
    return Metric.objects.get(key=key)


def log(client, key, value, days_ago=0, by=None):
    return measurement_record(
        client=client,
        metric=metric(key),
        value=Decimal(value),
        measured_on=TODAY - datetime.timedelta(days=days_ago),
        by=by,
        today=TODAY,
    ).measurement


def form_data(**changes):
    data = {"value": "81.4", "measured_on": TODAY.isoformat(), "note": ""}
    data.update(changes)
    return data


# --- the portal: /progress/ ------------------------------------------------------------


def test_a_client_logs_their_weight_in_the_portal(business, client_browser, client_record):
    with tenant_context(business):
        weight = metric("weight")
    response = client_browser.post("/progress/", form_data(metric=weight.pk))
    assert response.status_code == 302
    with tenant_context(business):
        saved = Measurement.objects.get(client=client_record)
        client_record.refresh_from_db()
    assert saved.value == Decimal("81.400")
    assert saved.recorded_by == client_record.user
    assert client_record.last_activity_at is not None  # client_touch


def test_a_client_who_uses_pounds_logs_pounds_and_kilograms_are_stored(
    business, client_browser, client_record
):
    with tenant_context(business):
        Client.objects.filter(pk=client_record.pk).update(units="lb")
        weight = metric("weight")
    client_browser.post("/progress/", form_data(metric=weight.pk, value="180"))
    with tenant_context(business):
        saved = Measurement.objects.get(client=client_record)
    assert saved.value == Decimal("81.647")  # 180 lb


def test_logging_the_same_metric_twice_a_day_updates_it_and_says_so(
    business, client_browser, client_record
):
    with tenant_context(business):
        weight = metric("weight")
    client_browser.post("/progress/", form_data(metric=weight.pk, value="81.4"))
    response = client_browser.post(
        "/progress/", form_data(metric=weight.pk, value="81.0"), follow=True
    )
    with tenant_context(business):
        assert Measurement.objects.filter(client=client_record).count() == 1
        assert Measurement.objects.get(client=client_record).value == Decimal("81.000")
    assert "already logged Body weight that day" in response.text


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"metric": ""}, "metric", "Choose what you measured."),
        ({"metric": "99999"}, "metric", "Choose a measurement from the list."),
        ({"value": ""}, "value", "Enter a number."),
        ({"value": "heavy"}, "value", "Enter a number, like 72.5."),
        ({"value": "-3"}, "value", "Enter a number above zero."),
        ({"value": "0"}, "value", "Enter a number above zero."),
        ({"value": "19"}, "value", "Body weight must be between 20\u00a0kg and 400\u00a0kg."),
        ({"value": "401"}, "value", "Body weight must be between 20\u00a0kg and 400\u00a0kg."),
        ({"measured_on": ""}, "measured_on", "Enter the date you measured, like 2025-03-14."),
        ({"measured_on": "31/31/2025"}, "measured_on", "Enter a real date, like 2025-03-14."),
        (
            {"measured_on": (TODAY + datetime.timedelta(days=2)).isoformat()},
            "measured_on",
            "The date cannot be in the future.",
        ),
        ({"measured_on": "1850-01-01"}, "measured_on", "Enter a date after 1900."),
        ({"note": "x" * 201}, "note", "Keep the note under 200 characters."),
    ],
)
def test_the_portal_form_explains_each_mistake(
    business, client_browser, client_record, changes, field, message
):
    with tenant_context(business):
        weight = metric("weight")
    response = client_browser.post("/progress/", form_data(**{"metric": weight.pk, **changes}))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    with tenant_context(business):
        assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("body_fat", "1", "Body fat must be between 2\u00a0% and 70\u00a0%."),
        ("body_fat", "71", "Body fat must be between 2\u00a0% and 70\u00a0%."),
        ("waist", "9", "Waist must be between 10\u00a0cm and 300\u00a0cm."),
        ("waist", "301", "Waist must be between 10\u00a0cm and 300\u00a0cm."),
    ],
)
def test_each_kind_has_sane_bounds(business, client_browser, client_record, key, value, message):
    with tenant_context(business):
        chosen = metric(key)
    response = client_browser.post("/progress/", form_data(metric=chosen.pk, value=value))
    assert message in response.context["form"].errors["value"]


def test_bounds_are_quoted_in_the_clients_units(business, client_browser, client_record):
    with tenant_context(business):
        Client.objects.filter(pk=client_record.pk).update(units="lb")
        weight = metric("weight")
    response = client_browser.post("/progress/", form_data(metric=weight.pk, value="30"))
    assert (
        "Body weight must be between 44.1\u00a0lb and 881.8\u00a0lb."
        in (response.context["form"].errors["value"])
    )


def test_an_archived_metric_cannot_be_logged(business, client_browser, client_record):
    with tenant_context(business):
        Metric.objects.filter(key="neck").update(archived_at=timezone.now())
        neck = metric("neck")
    response = client_browser.post("/progress/", form_data(metric=neck.pk, value="38"))
    assert response.status_code == 400
    assert "Choose a measurement from the list." in response.context["form"].errors["metric"]


def test_a_client_deletes_their_own_value(business, client_browser, client_record):
    with tenant_context(business):
        m = log(client_record, "weight", "80")
    assert client_browser.post(f"/progress/measurements/{m.pk}/delete/").status_code == 302
    with tenant_context(business):
        assert not Measurement.objects.exists()


def test_a_client_cannot_delete_another_clients_value(business, client_browser, stranger_record):
    with tenant_context(business):
        m = log(stranger_record, "weight", "80")
    assert client_browser.post(f"/progress/measurements/{m.pk}/delete/").status_code == 404
    with tenant_context(business):
        assert Measurement.objects.filter(pk=m.pk).exists()


def test_the_progress_page_shows_a_lb_clients_chart_in_pounds(
    business, client_browser, client_record
):
    with tenant_context(business):
        Client.objects.filter(pk=client_record.pk).update(units="lb")
        log(client_record, "weight", "90.718", days_ago=30)  # 200 lb
        log(client_record, "weight", "86.183")  # 190 lb
    response = client_browser.get("/progress/")
    series = response.context["series"]
    assert series[0]["points"] == [
        {"d": (TODAY - datetime.timedelta(days=30)).isoformat(), "v": 200.0},
        {"d": TODAY.isoformat(), "v": 190.0},
    ]
    assert series[0]["latest"] == "190\u00a0lb"
    assert series[0]["since_first"]["text"] == "\u221210\u00a0lb"
    assert series[0]["since_first"]["good"] is True  # lower weight is better
    assert "190\u00a0lb" in response.text
    assert 'data-unit="lb"' in response.text


def test_the_progress_page_shows_a_kg_clients_chart_in_kilograms(
    business, client_browser, client_record
):
    with tenant_context(business):
        log(client_record, "weight", "90.718", days_ago=30)
        log(client_record, "weight", "86.183")
        log(client_record, "waist", "91.44")
    response = client_browser.get("/progress/")
    by_key = {s["key"]: s for s in response.context["series"]}
    assert [p["v"] for p in by_key["weight"]["points"]] == [90.7, 86.2]
    assert by_key["weight"]["unit"] == "kg"
    assert by_key["waist"]["latest"] == "91.4\u00a0cm"
    assert by_key["waist"]["since_first"] is None  # one value: no trend yet
    # the accessible fallback: every value as text in a table
    assert '<table class="mfp-table">' in response.text
    assert "One value so far" in response.text


def test_the_profile_units_of_a_client_win_over_the_record(
    business, client_browser, client_record, client_user
):
    with tenant_context(business):
        Client.objects.filter(pk=client_record.pk).update(units="lb")
        client_user.units = "kg"
        client_user.save(update_fields=["units"])
        log(client_record, "weight", "80")
    assert client_browser.get("/progress/").context["series"][0]["latest"] == "80\u00a0kg"


def test_the_progress_page_runs_constant_queries(
    business, client_browser, client_record, django_assert_max_num_queries
):
    with tenant_context(business):
        for key in ("weight", "waist", "hips", "body_fat"):
            for days in range(10):
                log(client_record, key, "40", days_ago=days)
    client_browser.get("/progress/")
    with django_assert_max_num_queries(9):
        response = client_browser.get("/progress/")
    assert response.status_code == 200


def test_staff_are_sent_from_the_portal_progress_to_the_back_office(coach_browser):
    assert coach_browser.get("/progress/")["Location"] == "/admin/"


def test_anonymous_visitors_are_asked_to_sign_in(tenant_client):
    response = tenant_client.get("/progress/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_business_session_counts_for_nothing(zen_client_browser):
    response = zen_client_browser.get("/progress/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_home_panel_shows_the_latest_weight_and_a_trend(
    business, client_browser, client_record
):
    with tenant_context(business):
        log(client_record, "weight", "82", days_ago=14)
        log(client_record, "weight", "81.2")
    response = client_browser.get("/")
    assert "81.2\u00a0kg" in response.text
    assert "<polyline" in response.text
    assert "Log a measurement" in response.text and "Add a photo" in response.text


# --- the back office ------------------------------------------------------------------


def test_a_coach_logs_a_value_from_the_client_panel(business, coach_browser, client_record):
    with tenant_context(business):
        weight = metric("weight")
    response = coach_browser.post(
        f"/admin/clients/measurement/record/{client_record.pk}/",
        form_data(metric=weight.pk, next=f"/admin/clients/client/{client_record.pk}/change/"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/clients/client/{client_record.pk}/change/"
    with tenant_context(business):
        saved = Measurement.objects.get(client=client_record)
        client_record.refresh_from_db()
    assert saved.recorded_by.email == "coach@acme.test"
    assert client_record.last_activity_at is None  # a coach's entry is not client activity


def test_the_panel_form_refuses_a_foreign_next_url(business, coach_browser, client_record):
    with tenant_context(business):
        weight = metric("weight")
    response = coach_browser.post(
        f"/admin/clients/measurement/record/{client_record.pk}/",
        form_data(metric=weight.pk, next="https://evil.example/"),
    )
    assert response["Location"] == f"/admin/clients/measurement/client/{client_record.pk}/"


def test_the_panel_form_shows_errors_on_the_progress_page(business, coach_browser, client_record):
    with tenant_context(business):
        weight = metric("weight")
    response = coach_browser.post(
        f"/admin/clients/measurement/record/{client_record.pk}/",
        form_data(metric=weight.pk, value="1000"),
    )
    assert response.status_code == 400
    assert "Body weight must be between" in response.text


def test_a_coach_cannot_log_for_a_client_they_do_not_coach(
    business, coach_browser, stranger_record
):
    with tenant_context(business):
        weight = metric("weight")
    response = coach_browser.post(
        f"/admin/clients/measurement/record/{stranger_record.pk}/", form_data(metric=weight.pk)
    )
    assert response.status_code == 404
    with tenant_context(business):
        assert not Measurement.objects.exists()


def test_the_back_office_progress_page_is_in_the_coachs_units(
    business, coach_browser, coach, client_record
):
    with tenant_context(business):
        coach.units = "lb"
        coach.save(update_fields=["units"])
        log(client_record, "weight", "90.718", days_ago=7)
        log(client_record, "weight", "86.183")
    response = coach_browser.get(f"/admin/clients/measurement/client/{client_record.pk}/")
    assert response.status_code == 200
    assert "190\u00a0lb" in response.text
    assert 'data-points="[{&quot;d&quot;' in response.text


def test_the_panel_template_renders_with_client_and_request(business, coach, client_record, rf):
    from django.template.loader import render_to_string

    with tenant_context(business):
        log(client_record, "weight", "80", days_ago=3)
        log(client_record, "weight", "79")
        request = rf.get("/admin/clients/client/1/change/")
        request.user, request.tenant = coach, business
        html = render_to_string(
            "clients/backoffice/_panel_progress.html", {"client": client_record, "request": request}
        )
    assert "79\u00a0kg" in html and "Log a measurement" in html
    assert "chart.umd.min" in html


def test_another_coachs_progress_page_is_not_found(other_coach_browser, client_record):
    response = other_coach_browser.get(f"/admin/clients/measurement/client/{client_record.pk}/")
    assert response.status_code == 404


def test_the_admin_list_shows_only_a_coachs_clients_values(
    business, coach_browser, client_record, stranger_record, django_assert_max_num_queries
):
    with tenant_context(business):
        for days in range(20):
            log(client_record, "weight", "80", days_ago=days)
        log(stranger_record, "weight", "123.4")
    coach_browser.get("/admin/clients/measurement/")
    with django_assert_max_num_queries(14):
        response = coach_browser.get("/admin/clients/measurement/")
    assert response.status_code == 200
    assert "80\u00a0kg" in response.text
    assert "123.4" not in response.text


def test_the_admin_add_form_takes_values_in_the_viewers_units_and_updates_the_same_day(
    business, owner_client, owner, client_record
):
    with tenant_context(business):
        owner.units = "lb"
        owner.save(update_fields=["units"])
        weight = metric("weight")
        log(client_record, "weight", "80")
    response = owner_client.post(
        "/admin/clients/measurement/add/",
        {
            "client": client_record.pk,
            "metric": weight.pk,
            "display_value": "170",
            "measured_on": TODAY.isoformat(),
            "note": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    with tenant_context(business):
        assert Measurement.objects.count() == 1
        assert Measurement.objects.get().value == Decimal("77.111")


def test_the_admin_add_form_explains_a_bad_value(business, owner_client, client_record):
    with tenant_context(business):
        weight = metric("weight")
    response = owner_client.post(
        "/admin/clients/measurement/add/",
        {
            "client": client_record.pk,
            "metric": weight.pk,
            "display_value": "lots",
            "measured_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "Enter a number, like 72.5." in response.text


# --- metrics --------------------------------------------------------------------------


def test_the_owner_defines_a_metric_of_their_own(business, owner_client):
    response = owner_client.post(
        "/admin/clients/metric/add/",
        {
            "name": "Resting heart rate",
            "kind": "other",
            "unit": "bpm",
            "higher_is_better": "false",
            "position": "20",
        },
    )
    assert response.status_code == 302
    with tenant_context(business):
        made = Metric.objects.get(name="Resting heart rate")
    assert (made.key, made.unit, made.higher_is_better, made.is_builtin) == (
        "resting-heart-rate",
        "bpm",
        False,
        False,
    )


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": "", "kind": "mass"}, "name", "This field is required."),
        (
            {"name": "Body weight", "kind": "mass"},
            "name",
            "There is already a measurement called Body weight.",
        ),
        (
            {"name": "Push-ups", "kind": "other", "unit": ""},
            "unit",
            "Give the unit, like reps, bpm or points.",
        ),
        ({"name": "Odd", "kind": "volume"}, "kind", "Select a valid choice."),
    ],
)
def test_the_metric_form_explains_each_mistake(business, owner_client, data, field, message):
    payload = {"unit": "", "higher_is_better": "unknown", "position": "100", **data}
    response = owner_client.post("/admin/clients/metric/add/", payload)
    assert response.status_code == 200
    assert any(message in e for e in response.context["adminform"].form.errors[field])


def test_built_in_metrics_cannot_be_deleted_only_archived(business, owner_client):
    with tenant_context(business):
        weight = metric("weight")
    assert owner_client.get(f"/admin/clients/metric/{weight.pk}/delete/").status_code == 403
    owner_client.post(
        "/admin/clients/metric/",
        {"action": "archive", "_selected_action": [weight.pk]},
    )
    with tenant_context(business):
        assert metric("weight").archived_at is not None


def test_coaches_may_look_at_metrics_but_not_define_them(coach_browser):
    assert coach_browser.get("/admin/clients/metric/").status_code == 200
    assert coach_browser.get("/admin/clients/metric/add/").status_code == 403


def test_a_metric_page_opens_for_a_coach_read_only_and_for_the_owner(
    business, owner, coach_browser, owner_client
):
    with tenant_context(business):
        own = metric_create(by=owner, name="Resting heart rate", kind="other", unit="bpm")
        pages = [f"/admin/clients/metric/{m.pk}/change/" for m in (metric("weight"), own)]
    for url in pages:
        looked = coach_browser.get(url)
        assert looked.status_code == 200
        assert looked.context["adminform"].form.fields == {}  # nothing to change
        assert owner_client.get(url).status_code == 200
    assert "Resting heart rate" in coach_browser.get(pages[1]).text


# --- the API ---------------------------------------------------------------------------


def test_a_client_logs_through_the_api_and_their_record_is_set_for_them(
    business, client_browser, client_record, stranger_record
):
    with tenant_context(business):
        weight = metric("weight")
    response = client_browser.post(
        "/api/v1/measurements/",
        {"client": stranger_record.pk, "metric": weight.pk, "display_value": "81.4"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["client"] == client_record.pk
    assert response.json()["value"] == "81.400"
    assert (response.json()["display_value"], response.json()["display_unit"]) == ("81.4", "kg")


def test_posting_the_same_day_again_updates_it(business, client_browser, client_record):
    with tenant_context(business):
        weight = metric("weight")
    body = {"metric": weight.pk, "value": "80", "measured_on": TODAY.isoformat()}
    assert (
        client_browser.post(
            "/api/v1/measurements/", body, content_type="application/json"
        ).status_code
        == 201
    )
    body["value"] = "79.5"
    again = client_browser.post("/api/v1/measurements/", body, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["updated"] is True
    with tenant_context(business):
        assert Measurement.objects.get().value == Decimal("79.500")


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({}, "metric", "Choose what was measured."),
        ({"metric": 99999, "value": "80"}, "metric", "Choose a measurement from the list."),
        ({"metric": "W"}, "metric", "Give the measurement's id, a number."),
        (
            {"value": "80", "display_value": "80"},
            "value",
            "Give either value (in SI units) or display_value.",
        ),
        ({"note": ""}, "value", "Give either value (in SI units) or display_value."),
        ({"value": "abc"}, "value", "Enter a number."),
        ({"value": "80.12345"}, "value", "Use at most 3 decimals."),
        ({"display_value": "lots"}, "display_value", "Enter a number, like 72.5."),
        ({"value": "-1"}, "value", "Enter a number above zero."),
        ({"value": "500"}, "value", "Body weight must be between 20\u00a0kg and 400\u00a0kg."),
        ({"value": "80", "measured_on": "soon"}, "measured_on", "Enter a date like 2025-03-14."),
        (
            {"value": "80", "measured_on": "2999-01-01"},
            "measured_on",
            "The date cannot be in the future.",
        ),
        ({"value": "80", "note": "x" * 201}, "note", "Keep the note under 200 characters."),
    ],
)
def test_the_api_explains_each_mistake(
    business, client_browser, client_record, body, field, message
):
    with tenant_context(business):
        weight = metric("weight")
    body = {"metric": weight.pk, **body} if "metric" not in body and body else body
    response = client_browser.post("/api/v1/measurements/", body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()[field]
    with tenant_context(business):
        assert not Measurement.objects.exists()


def test_staff_must_name_one_of_their_clients(business, coach_browser, stranger_record):
    with tenant_context(business):
        weight = metric("weight")
    missing = coach_browser.post(
        "/api/v1/measurements/",
        {"metric": weight.pk, "value": "80"},
        content_type="application/json",
    )
    assert missing.json() == {"client": ["Choose the client."]}
    foreign = coach_browser.post(
        "/api/v1/measurements/",
        {"client": stranger_record.pk, "metric": weight.pk, "value": "80"},
        content_type="application/json",
    )
    assert foreign.json() == {"client": ["Choose one of your clients."]}


def test_the_api_lists_only_what_the_requester_may_see(
    business, client_browser, coach_browser, client_record, stranger_record
):
    with tenant_context(business):
        mine = log(client_record, "weight", "80")
        log(stranger_record, "weight", "90")
    for browser in (client_browser, coach_browser):
        ids = [row["id"] for row in browser.get("/api/v1/measurements/").json()["results"]]
        assert ids == [mine.pk]


def test_the_api_filters_by_client_and_metric(
    business, owner_client, client_record, stranger_record
):
    with tenant_context(business):
        log(client_record, "weight", "80")
        waist = log(client_record, "waist", "90")
        log(stranger_record, "waist", "95")
    rows = owner_client.get(f"/api/v1/measurements/?client={client_record.pk}&metric=waist").json()[
        "results"
    ]
    assert [r["id"] for r in rows] == [waist.pk]


def test_the_api_shows_display_values_in_the_requesters_units(
    business, client_browser, client_record
):
    with tenant_context(business):
        Client.objects.filter(pk=client_record.pk).update(units="lb")
        log(client_record, "waist", "91.44")
    row = client_browser.get("/api/v1/measurements/").json()["results"][0]
    assert (row["value"], row["display_value"], row["display_unit"], row["units"]) == (
        "91.440",
        "36",
        "in",
        "lb",
    )


def test_a_client_cannot_delete_another_clients_value_through_the_api(
    business, client_browser, stranger_record
):
    with tenant_context(business):
        theirs = log(stranger_record, "weight", "80")
    assert client_browser.delete(f"/api/v1/measurements/{theirs.pk}/").status_code == 404


def test_a_coach_deletes_a_value_of_their_client(business, coach_browser, client_record):
    with tenant_context(business):
        m = log(client_record, "weight", "80")
    assert coach_browser.delete(f"/api/v1/measurements/{m.pk}/").status_code == 204


def test_another_businesss_session_gets_nothing_from_the_api(
    business, zen_client_browser, client_record
):
    with tenant_context(business):
        log(client_record, "weight", "80")
    assert zen_client_browser.get("/api/v1/measurements/").status_code in (401, 403)


def test_the_measurement_list_endpoint_runs_constant_queries(
    business, owner_client, client_record, stranger_record, django_assert_max_num_queries
):
    with tenant_context(business):
        for days in range(25):
            log(client_record, "weight", "80", days_ago=days)
            log(stranger_record, "waist", "80", days_ago=days)
    owner_client.get("/api/v1/measurements/")
    with django_assert_max_num_queries(6):
        response = owner_client.get("/api/v1/measurements/")
    assert response.status_code == 200


def test_clients_list_metrics_but_only_the_owner_creates_them(
    business, client_browser, coach_browser, owner_client
):
    assert client_browser.get("/api/v1/metrics/").status_code == 200
    body = {"name": "Vertical jump", "kind": "length", "higher_is_better": True}
    assert (
        client_browser.post("/api/v1/metrics/", body, content_type="application/json").status_code
        == 403
    )
    assert (
        coach_browser.post("/api/v1/metrics/", body, content_type="application/json").status_code
        == 403
    )
    made = owner_client.post("/api/v1/metrics/", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["key"] == "vertical-jump"


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"name": "", "kind": "mass"}, "name", "Give the measurement a name."),
        (
            {"name": "Body Weight", "kind": "mass"},
            "name",
            "There is already a measurement called Body Weight.",
        ),
        ({"name": "Odd", "kind": "volume"}, "kind", "Choose mass, length, percent or other."),
        ({"name": "Push-ups", "kind": "other"}, "unit", "Give the unit, like reps, bpm or points."),
        (
            {"name": "Push-ups", "kind": "other", "unit": "x" * 17},
            "unit",
            "Keep the unit to 16 characters.",
        ),
    ],
)
def test_the_metric_api_explains_each_mistake(owner_client, body, field, message):
    response = owner_client.post("/api/v1/metrics/", body, content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()[field]


def test_the_kind_of_a_built_in_metric_never_changes(business, owner_client):
    with tenant_context(business):
        weight = metric("weight")
    response = owner_client.patch(
        f"/api/v1/metrics/{weight.pk}/", {"kind": "length"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["kind"] == ["The kind of a built-in measurement is fixed."]


def test_the_owner_archives_a_metric_through_the_api(business, owner_client):
    with tenant_context(business):
        neck = metric("neck")
    response = owner_client.patch(
        f"/api/v1/metrics/{neck.pk}/", {"is_archived": True}, content_type="application/json"
    )
    assert response.json()["is_archived"] is True
    listed = [m["key"] for m in owner_client.get("/api/v1/metrics/").json()["results"]]
    assert "neck" not in listed


def test_metric_services_refuse_non_owners(business, coach):
    from django.core.exceptions import PermissionDenied

    with tenant_context(business), pytest.raises(PermissionDenied):
        metric_create(by=coach, name="Grip", kind="mass")


def test_series_come_from_one_query(business, client_record, django_assert_num_queries):
    with tenant_context(business):
        for days in range(5):
            log(client_record, "weight", "80", days_ago=days)
            log(client_record, "hips", "100", days_ago=days)
        with django_assert_num_queries(1):
            series = progress_series(client=client_record, system="kg")
    assert [s["key"] for s in series] == ["weight", "hips"]
