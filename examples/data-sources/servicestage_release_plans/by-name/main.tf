# Name the release task instead of pasting its ID: the list finds the ID.
variable "release_task_name" {
  description = "Name of the release task, as the ServiceStage console shows it."
  type        = string
  default     = "orders-release-2026-11-27"
}

data "servicestage_release_plans" "release" {
  name = var.release_task_name

  lifecycle {
    postcondition {
      condition     = length(self.ids) == 1
      error_message = "Expected one release task named ${var.release_task_name} in project ${self.project_id}, found ${length(self.ids)}."
    }
  }
}

data "servicestage_release_plan_deploy_info" "release" {
  release_plan_id = data.servicestage_release_plans.release.ids[0]
}

output "all_succeeded" {
  value = data.servicestage_release_plan_deploy_info.release.all_succeeded
}
