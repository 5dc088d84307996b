# The configuration `make demo` applies against the local ServiceStage
# emulator: find release tasks by name, read their details and deployment
# jobs, wait for a running release, and gate a step on the outcome. No release
# task ID is pasted anywhere. The provider is configured entirely from the
# environment:
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
  # Milliseconds since the Unix epoch become timestamps with
  # timeadd("1970-01-01T00:00:00Z", "${t}ms"); a null time stays null.
  epoch = "1970-01-01T00:00:00Z"
}

# 1. The release tasks named orders-*, newest first.
data "servicestage_release_plans" "orders" {
  name_regex = "^orders-"

  lifecycle {
    postcondition {
      condition     = length(self.ids) > 0
      error_message = "No release task named orders-* in project ${self.project_id}."
    }
  }
}

# 2. The newest one's details, and the deployment jobs of each of them.
data "servicestage_release_plan" "newest_orders" {
  release_plan_id = data.servicestage_release_plans.orders.ids[0]
}

data "servicestage_release_plan_deploy_info" "orders" {
  for_each = toset(data.servicestage_release_plans.orders.ids)

  release_plan_id = each.key
}

locals {
  newest_orders      = data.servicestage_release_plan.newest_orders
  newest_orders_jobs = data.servicestage_release_plan_deploy_info.orders[local.newest_orders.id]
}

# 3. A release that is still running, found by its exact name, read with
# wait_for_completion: the read polls until no job is pending.
data "servicestage_release_plans" "search" {
  name = "search-release-2026-11-27"

  lifecycle {
    postcondition {
      condition     = length(self.ids) == 1
      error_message = "Expected one release task named search-release-2026-11-27, found ${length(self.ids)}."
    }
  }
}

data "servicestage_release_plan_deploy_info" "search" {
  release_plan_id     = data.servicestage_release_plans.search.ids[0]
  wait_for_completion = true

  timeouts = {
    read = "2m"
  }
}

# 4. The gate: this step runs only when both releases have succeeded.
resource "terraform_data" "after_release" {
  input = {
    orders = local.newest_orders.name
    search = data.servicestage_release_plans.search.release_plans[0].name
  }

  lifecycle {
    precondition {
      condition     = local.newest_orders.status == "SUCCESS"
      error_message = "Release task ${local.newest_orders.name} has status ${local.newest_orders.status}, not SUCCESS."
    }
    precondition {
      condition     = local.newest_orders_jobs.all_succeeded
      error_message = "Release task ${local.newest_orders.name} failed for: ${join(", ", local.newest_orders_jobs.failed_components)}."
    }
    precondition {
      condition     = data.servicestage_release_plan_deploy_info.search.all_succeeded
      error_message = "Release task ${data.servicestage_release_plans.search.release_plans[0].name} failed for: ${join(", ", data.servicestage_release_plan_deploy_info.search.failed_components)}."
    }
  }
}

# 5. Every release task of the project, one details read each. The list is
# read after the wait, so the task it waited for shows how it ended; a data
# source depending on data sources is still read while planning.
data "servicestage_release_plans" "all" {
  depends_on = [data.servicestage_release_plan_deploy_info.search]
}

data "servicestage_release_plan" "all" {
  for_each = toset(data.servicestage_release_plans.all.ids)

  release_plan_id = each.key
}

output "newest_orders_release" {
  description = "The newest release task named orders-*, with its components' deployment jobs."
  value = {
    id            = local.newest_orders.id
    name          = local.newest_orders.name
    status        = local.newest_orders.status
    created       = local.newest_orders.create_time == null ? null : timeadd(local.epoch, "${local.newest_orders.create_time}ms")
    all_succeeded = local.newest_orders_jobs.all_succeeded
    components = {
      for c in local.newest_orders_jobs.components : c.name => "${c.version} ${c.job_status}"
    }
  }
}

output "search_release" {
  description = "A release task that was still running, read with wait_for_completion."
  value = {
    id            = data.servicestage_release_plan_deploy_info.search.id
    completed     = data.servicestage_release_plan_deploy_info.search.completed
    all_succeeded = data.servicestage_release_plan_deploy_info.search.all_succeeded
    components = {
      for c in data.servicestage_release_plan_deploy_info.search.components : c.name => "${c.version} ${c.job_status}"
    }
  }
}

output "gate" {
  description = "The releases the gated step ran after."
  value       = terraform_data.after_release.output
}

output "orders_releases" {
  description = "Every release task named orders-*, newest first: only the newest gates the step."
  value = [
    for p in data.servicestage_release_plans.orders.release_plans : {
      name              = p.name
      status            = p.status
      all_succeeded     = data.servicestage_release_plan_deploy_info.orders[p.id].all_succeeded
      failed_components = join(", ", data.servicestage_release_plan_deploy_info.orders[p.id].failed_components)
    }
  ]
}

output "all_releases" {
  description = "Every release task of the project, newest first: status, times and components."
  value = [
    for p in data.servicestage_release_plans.all.release_plans : format(
      "%s: %s, created %s, executed %s, components %s",
      p.name,
      p.status,
      p.create_time == null ? "unknown" : timeadd(local.epoch, "${p.create_time}ms"),
      p.execute_time == null ? "never" : timeadd(local.epoch, "${p.execute_time}ms"),
      join(", ", [for c in data.servicestage_release_plan.all[p.id].components : c.name]),
    )
  ]
}

# 6. The new edition of Release Management keeps its own tasks: the newest
# checkout-release-* task, read with wait_for_completion while its run goes
# RUNNING, AWAITING_APPROVAL (approved in the console), SUCCEEDED.
data "servicestage_pipelines" "checkout" {
  name_regex = "^checkout-release-"
}

data "servicestage_pipeline" "checkout" {
  pipeline_id         = data.servicestage_pipelines.checkout.ids[0]
  wait_for_completion = true

  timeouts = {
    read = "2m"
  }
}

# The list again, read after the wait (depends_on orders the reads), so the
# waited task shows its outcome here too, not the status it had before.
data "servicestage_pipelines" "checkout_after_wait" {
  name_regex = "^checkout-release-"
  depends_on = [data.servicestage_pipeline.checkout]
}

output "both_editions" {
  description = "The newest task of each edition: the old edition's orders-* and the new edition's checkout-release-*."
  value = {
    old_edition = "${local.newest_orders.name}: ${local.newest_orders.status}"
    new_edition = "${data.servicestage_pipeline.checkout.name}: ${data.servicestage_pipeline.checkout.status} (completed ${data.servicestage_pipeline.checkout.completed}, succeeded ${data.servicestage_pipeline.checkout.succeeded})"
    new_edition_tasks = [
      for p in data.servicestage_pipelines.checkout_after_wait.pipelines : "${p.name}: ${p.status}"
    ]
  }
}
