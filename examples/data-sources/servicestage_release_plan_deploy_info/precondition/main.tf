# Run the smoke tests only once every component of the release has been
# deployed; otherwise stop the plan with the reason.
data "servicestage_release_plan_deploy_info" "release" {
  release_plan_id = "3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14"
}

resource "terraform_data" "smoke_test" {
  # A new version of any component runs the tests again.
  triggers_replace = {
    for c in data.servicestage_release_plan_deploy_info.release.components : c.name => c.version
  }

  provisioner "local-exec" {
    command = "curl --fail --silent --show-error https://orders.example.com/healthz"
  }

  lifecycle {
    precondition {
      condition = data.servicestage_release_plan_deploy_info.release.all_succeeded
      error_message = format(
        "Release task %s has not succeeded (completed: %t, failed components: %s).",
        data.servicestage_release_plan_deploy_info.release.id,
        data.servicestage_release_plan_deploy_info.release.completed,
        jsonencode(data.servicestage_release_plan_deploy_info.release.failed_components),
      )
    }
  }
}
