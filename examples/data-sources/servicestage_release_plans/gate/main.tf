# Deploy only after the newest orders-* release task has succeeded: find it by
# name, check the task's status, then every component's deployment job.
data "servicestage_release_plans" "orders" {
  name_regex = "^orders-"

  lifecycle {
    postcondition {
      condition     = length(self.ids) > 0
      error_message = "No release task named orders-* in project ${self.project_id}."
    }
  }
}

data "servicestage_release_plan_deploy_info" "orders" {
  release_plan_id = data.servicestage_release_plans.orders.ids[0]
  # To wait for a release still running, add wait_for_completion = true: the
  # details below are read after this, so their status is the outcome.
}

# The ID comes from the deploy info, so the status is read after any wait.
data "servicestage_release_plan" "orders" {
  release_plan_id = data.servicestage_release_plan_deploy_info.orders.id
}

resource "terraform_data" "deploy" {
  # A new release task runs the step again.
  triggers_replace = data.servicestage_release_plan.orders.id

  provisioner "local-exec" {
    command = "echo deploying after release task ${self.triggers_replace}"
  }

  lifecycle {
    precondition {
      condition     = data.servicestage_release_plan.orders.status == "SUCCESS"
      error_message = "Release task ${data.servicestage_release_plan.orders.name} (${data.servicestage_release_plan.orders.id}) has status ${data.servicestage_release_plan.orders.status}, not SUCCESS."
    }
    precondition {
      condition     = data.servicestage_release_plan_deploy_info.orders.all_succeeded
      error_message = "Release task ${data.servicestage_release_plan.orders.name}: not every component was deployed; failed: ${coalesce(join(", ", data.servicestage_release_plan_deploy_info.orders.failed_components), "none, still running")}."
    }
  }
}
