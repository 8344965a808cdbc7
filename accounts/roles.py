"""Roles inside a business, as Django groups, and what each may do.

Every business schema holds the three groups with these permissions: a post_migrate
handler (``accounts.signals``) sets them, the schema template carries them, and the
schema fingerprint (``tenants.schemas``) covers them, so a change here reaches every
business on the next ``migrate_schemas``."""

OWNER = "owner"
COACH = "coach"
CLIENT = "client"
ROLES = (OWNER, COACH, CLIENT)

# What each role may do in the back office (owners are superusers of their schema);
# which clients a coach reaches is narrowed further by clients.selectors
ROLE_PERMISSIONS = {
    OWNER: [],
    COACH: [
        "accounts.view_invitation",
        "accounts.add_invitation",
        "clients.view_client",
        "clients.add_client",
        "clients.change_client",
        "clients.view_clientnote",
        "clients.add_clientnote",
        "clients.change_clientnote",
        "clients.view_tag",
        "clients.add_tag",
        "clients.view_measurement",
        "clients.add_measurement",
        "clients.change_measurement",
        "clients.delete_measurement",
        "clients.view_metric",
        "clients.view_progressphoto",
        "clients.add_progressphoto",
        "clients.change_progressphoto",
        "clients.delete_progressphoto",
        "clients.view_questionnaire",
        "clients.view_response",
        "clients.change_response",
        "clients.view_assignment",
        "clients.add_assignment",
        # training (issue 6): coaches build, assign and follow their clients' training
        *(
            f"programs.{action}_{model}"
            for model in (
                "exercise",
                "program",
                "programweek",
                "programday",
                "block",
                "prescription",
                "programassignment",
                "scheduledworkout",
                "food",
                "mealplan",
                "mealplanday",
                "meal",
                "mealitem",
                "nutritiontarget",
            )
            for action in ("view", "add", "change", "delete")
        ),
        "programs.view_exercisehide",
        "programs.view_workoutlog",
        "programs.change_workoutlog",
        "programs.view_setlog",
        "programs.view_personalrecord",
        "programs.view_foodlogentry",
        "clients.view_habit",
        "clients.add_habit",
        "clients.change_habit",
        "clients.delete_habit",
        "clients.view_habitcheck",
    ],
    CLIENT: [],
}
