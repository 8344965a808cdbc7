"""Ready-made questionnaires an owner creates with one click ("Start from a template").

Each starter is plain data in the format of ``QuestionnaireVersion.fields``; the
owner may change any of it in the builder before (or after) publishing.
"""

from django.utils.translation import gettext_lazy as _

PARQ_CONSENT = (
    "I have read, understood and answered this questionnaire truthfully. I understand "
    "that if my health changes so that I would answer yes to any question, I must tell "
    "my coach and may need a doctor's clearance before training."
)


def _yes_no(key: str, label: str) -> dict:
    return {"key": key, "label": label, "type": "yes_no", "required": True, "help": ""}


STARTERS: dict[str, dict] = {
    "parq": {
        "title": _("Health questionnaire (PAR-Q)"),
        "kind": "intake",
        "description": _(
            "Before you start training, please answer these seven questions honestly. "
            "If you answer yes to any of them, we will talk it through with you first."
        ),
        "summary": _("The seven PAR-Q health questions and a signed consent."),
        "fields": [
            _yes_no(
                "heart_condition",
                "Has your doctor ever said that you have a heart condition and that you "
                "should only do physical activity recommended by a doctor?",
            ),
            _yes_no(
                "chest_pain_activity",
                "Do you feel pain in your chest when you do physical activity?",
            ),
            _yes_no(
                "chest_pain_rest",
                "In the past month, have you had chest pain when you were not doing "
                "physical activity?",
            ),
            _yes_no(
                "dizziness",
                "Do you lose your balance because of dizziness, or do you ever lose consciousness?",
            ),
            _yes_no(
                "bone_joint",
                "Do you have a bone or joint problem (for example back, knee or hip) that could "
                "be made worse by a change in your physical activity?",
            ),
            _yes_no(
                "blood_pressure_drugs",
                "Is your doctor currently prescribing drugs (for example water pills) for your "
                "blood pressure or heart condition?",
            ),
            _yes_no(
                "other_reason",
                "Do you know of any other reason why you should not do physical activity?",
            ),
            {
                "key": "details",
                "label": "If you answered yes to any question, tell us more",
                "type": "long_text",
                "required": False,
                "help": "Which question, since when, and what your doctor said.",
            },
            {
                "key": "consent",
                "label": "Declaration",
                "type": "consent",
                "required": True,
                "help": "",
                "consent_text": PARQ_CONSENT,
            },
        ],
    },
    "goals": {
        "title": _("Goals and lifestyle"),
        "kind": "intake",
        "description": _("Help us plan training that fits your goals and your week."),
        "summary": _("Main goal, experience, training days, sleep and what got in the way before."),
        "fields": [
            {
                "key": "main_goal",
                "label": "What is your main goal?",
                "type": "single_choice",
                "required": True,
                "help": "",
                "choices": [
                    "Lose fat",
                    "Build muscle",
                    "Get stronger",
                    "Improve fitness and endurance",
                    "Move without pain",
                    "Prepare for an event",
                ],
            },
            {
                "key": "goal_details",
                "label": "Tell us about your goal in your own words",
                "type": "long_text",
                "required": False,
                "help": "What would make the next three months a success for you?",
            },
            {
                "key": "experience",
                "label": "How much have you trained before?",
                "type": "single_choice",
                "required": True,
                "help": "",
                "choices": [
                    "Never",
                    "On and off",
                    "Regularly for under a year",
                    "Regularly for years",
                ],
            },
            {
                "key": "days_per_week",
                "label": "How many days a week can you train?",
                "type": "number",
                "required": True,
                "help": "",
                "min": 1,
                "max": 7,
            },
            {
                "key": "equipment",
                "label": "Where will you train?",
                "type": "multiple_choice",
                "required": False,
                "help": "Tick all that apply.",
                "choices": ["Gym", "Home with equipment", "Home without equipment", "Outdoors"],
            },
            {
                "key": "sleep_hours",
                "label": "How many hours do you usually sleep?",
                "type": "number",
                "required": False,
                "help": "",
                "min": 0,
                "max": 16,
            },
            {
                "key": "motivation",
                "label": "How motivated do you feel right now?",
                "type": "scale",
                "required": True,
                "help": "1 = not at all, 10 = can't wait to start",
                "min": 1,
                "max": 10,
            },
            {
                "key": "obstacles",
                "label": "What got in the way in the past?",
                "type": "long_text",
                "required": False,
                "help": "",
            },
            {
                "key": "target_date",
                "label": "Is there a date you are working towards?",
                "type": "date",
                "required": False,
                "help": "A holiday, a wedding, a race…",
            },
        ],
    },
    "weekly_checkin": {
        "title": _("Weekly check-in"),
        "kind": "checkin",
        "description": _("Two minutes to tell your coach how your week went."),
        "summary": _("Energy, sleep, adherence, optional weight, wins and struggles."),
        "fields": [
            {
                "key": "energy",
                "label": "How was your energy this week?",
                "type": "scale",
                "required": True,
                "help": "1 = exhausted, 10 = full of energy",
                "min": 1,
                "max": 10,
            },
            {
                "key": "sleep",
                "label": "How well did you sleep?",
                "type": "scale",
                "required": True,
                "help": "1 = very badly, 10 = great",
                "min": 1,
                "max": 10,
            },
            {
                "key": "adherence",
                "label": "How many of your planned sessions did you do?",
                "type": "single_choice",
                "required": True,
                "help": "",
                "choices": ["All of them", "Most of them", "About half", "Few or none"],
            },
            {
                "key": "weight",
                "label": "Your weight this week",
                "type": "number",
                "required": False,
                "help": "In your usual unit (kg or lb).",
                "min": 20,
                "max": 400,
            },
            {
                "key": "wins",
                "label": "What went well?",
                "type": "long_text",
                "required": False,
                "help": "",
            },
            {
                "key": "struggles",
                "label": "What was hard, or what do you need help with?",
                "type": "long_text",
                "required": False,
                "help": "",
            },
        ],
    },
}
