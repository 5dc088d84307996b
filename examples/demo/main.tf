# The configuration `make demo` applies against the local ServiceStage
# emulator. The provider is configured entirely from the environment:
#
#   HW_SERVICESTAGE_ENDPOINT  the emulator's URL
#   HW_AUTH_TOKEN             the emulator's demo token
#   HW_PROJECT_ID             the emulator's demo project
terraform {
  required_version = ">= 1.5"

  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

provider "servicestage" {}

locals {
  # Release tasks seeded in the emulator, read once each.
  release_tasks = {
    finished    = "3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14" # two components, both deployed
    failed      = "8a6d2e41-5c3b-4f7a-b1e9-2d4c6f8a0b35" # billing failed and was rolled back
    api_example = "716eda33-dbc6-47f3-953f-29119edd5e5c" # the API reference's example response
  }
}

data "servicestage_release_plan_deploy_info" "task" {
  for_each = local.release_tasks

  release_plan_id = each.value
}

# Still releasing when first read: the read polls until it has completed.
data "servicestage_release_plan_deploy_info" "releasing" {
  release_plan_id     = "c2e7b0d9-1a4f-4e86-8b3c-5f9d2a7e6c10"
  wait_for_completion = true

  timeouts = {
    read = "2m"
  }
}

locals {
  summary = {
    for name, task in merge(data.servicestage_release_plan_deploy_info.task, {
      releasing = data.servicestage_release_plan_deploy_info.releasing
    }) :
    name => {
      release_plan_id   = task.id
      completed         = task.completed
      all_succeeded     = task.all_succeeded
      failed_components = [for name in task.failed_components : name] # a tuple prints without tolist()
      components = {
        for c in task.components : c.name => {
          version    = c.version
          job_status = c.job_status
          status     = c.status
        }
      }
    }
  }
}

output "finished" {
  description = "A release task whose components all deployed."
  value       = local.summary["finished"]
}

output "failed" {
  description = "A release task with a failed, rolled-back component."
  value       = local.summary["failed"]
}

output "releasing" {
  description = "A release task that was still running, read with wait_for_completion."
  value       = local.summary["releasing"]
}

output "api_example" {
  description = "The example response of Huawei Cloud's API reference."
  value       = local.summary["api_example"]
}
