# Deploy only after the newest orders-* release task has succeeded: find it by
# name, wait for its components' deployment jobs, then check the task's status.
# The details are read after the wait, by taking their ID from the deploy-info
# data source: read alongside it, they would show the status from before the
# release finished.
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
  release_plan_id     = data.servicestage_release_plans.orders.ids[0]
  wait_for_completion = true # poll until no deployment or rollback job is pending

  timeouts = {
    read = "30m"
  }
}

# The ID comes from the deploy info, so the status is read after the wait.
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
      error_message = "Release task ${data.servicestage_release_plan.orders.name}: not every component was deployed; failed: ${join(", ", data.servicestage_release_plan_deploy_info.orders.failed_components)}."
    }
  }
}
