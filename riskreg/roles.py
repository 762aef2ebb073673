"""The five roles of domain.md, as groups with their permissions.

Kept as data so the data migration, the demo loader and the tests share one definition.
"""

VIEW_ALL = [
    "commitments.view_person",
    "commitments.view_period",
    "commitments.view_policyarea",
    "commitments.view_commitment",
    "commitments.view_quarterlystatus",
    "registers.view_risk",
    "registers.view_riskreview",
    "registers.view_control",
    "registers.view_action",
    "registers.view_issue",
    "reports.view_paper",
]

ROLES: dict[str, list[str]] = {
    "Viewer": VIEW_ALL,
    "Risk editor": VIEW_ALL
    + [
        f"registers.{verb}_{model}"
        for model in ("risk", "riskreview", "control", "action", "issue")
        for verb in ("add", "change")
    ]
    + ["registers.delete_control", "registers.delete_action", "commitments.add_person"],
    "SMT lead": VIEW_ALL + ["commitments.update_own_status"],
    "Plan manager": VIEW_ALL
    + [
        "commitments.add_commitment",
        "commitments.change_commitment",
        "commitments.add_policyarea",
        "commitments.change_policyarea",
        "commitments.add_person",
        "commitments.change_person",
        "commitments.add_quarterlystatus",
        "commitments.change_quarterlystatus",
        "commitments.add_period",
        "commitments.lock_period",
    ],
    "Report author": VIEW_ALL
    + ["reports.add_paper", "reports.change_paper", "reports.publish_paper"],
}


def roles_of(user) -> list[str]:
    if user is None or not user.is_authenticated:
        return []
    names = sorted(user.groups.values_list("name", flat=True))
    return ["Administrator", *names] if user.is_superuser else names


def sync_roles(apps) -> None:
    """Create or refresh every role group; safe to run again."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
