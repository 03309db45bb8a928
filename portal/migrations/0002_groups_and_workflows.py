"""Editorial groups, their permissions and the two publishing workflows."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
LEGAL_REVIEWERS = "Legal reviewers"
EXPERTS = "Experts"
COORDINATORS = "Coordinators"

TAXONOMY = ["topic", "audience", "socialservice", "municipality", "glossaryterm"]

# group -> (page permissions on the whole tree, other model permissions as app_label.codename)
GROUPS = {
    EDITORS: (
        ["add_page", "change_page", "lock_page", "unlock_page"],
        ["wagtailadmin.access_admin"]
        + [f"knowledge.{action}_{model}" for model in TAXONOMY for action in ("add", "change", "delete", "view")]
        + [f"wagtailredirects.{a}_redirect" for a in ("add", "change", "delete")]
        + [f"wagtailsearchpromotions.{a}_searchpromotion" for a in ("add", "change", "delete")],
    ),
    LEGAL_REVIEWERS: (["add_page", "change_page"], ["wagtailadmin.access_admin"]),
    EXPERTS: (["add_page", "change_page"], ["wagtailadmin.access_admin"]),
    COORDINATORS: (
        ["add_page", "change_page"],
        ["wagtailadmin.access_admin", "knowledge.view_municipality", "knowledge.change_municipality",
         "knowledge.add_municipality"],
    ),
}
COLLECTION_PERMISSIONS = {
    EDITORS: ["add_document", "change_document", "choose_document", "add_image", "change_image", "choose_image"],
    LEGAL_REVIEWERS: ["add_document", "change_document", "choose_document", "choose_image"],
    EXPERTS: ["add_document", "choose_document", "choose_image"],
    COORDINATORS: ["add_document", "choose_document", "choose_image"],
}
WORKFLOWS = [
    # (workflow name, task name, approving group)
    ("Editorial moderation", "Approval by an editor", EDITORS),
    ("Legal review", "Approval by a legal reviewer", LEGAL_REVIEWERS),
]


def _permission(apps, dotted):
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations run; create them now so groups can use them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    root = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    groups = {}
    for name, (page_perms, model_perms) in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        for dotted in model_perms:
            group.permissions.add(_permission(apps, dotted))
        if root is not None:
            for codename in page_perms:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=_permission(apps, f"wagtailcore.{codename}")
                )
        if root_collection is not None:
            for codename in COLLECTION_PERMISSIONS[name]:
                app_label = "wagtailimages" if codename.endswith("_image") else "wagtaildocs"
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=_permission(apps, f"{app_label}.{codename}")
                )

    task_type = ContentType.objects.get_for_model(GroupApprovalTask)
    for workflow_name, task_name, group_name in WORKFLOWS:
        workflow, _ = Workflow.objects.get_or_create(name=workflow_name, defaults={"active": True})
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=task_name, active=True, content_type=task_type)
        task.groups.add(groups[group_name])
        WorkflowTask.objects.get_or_create(workflow=workflow, task_id=task.pk, defaults={"sort_order": 0})
        if workflow_name == "Editorial moderation" and root is not None:
            WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})

    # Wagtail's stock "Moderators" group and workflow would bypass our reviewers: retire them, and make
    # sure editors cannot publish without approval.
    Workflow.objects.filter(name="Moderators approval").update(active=False)
    Group.objects.filter(name="Moderators").delete()
    GroupPagePermission.objects.filter(
        group=groups[EDITORS], permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("knowledge", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
