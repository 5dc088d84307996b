terraform {
  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

# Every release task of the provider's project, newest first.
data "servicestage_release_plans" "all" {}

# The release tasks whose name starts with orders- and that succeeded.
# The filters combine with AND; no match gives two empty lists.
data "servicestage_release_plans" "orders_succeeded" {
  name_regex = "^orders-"
  status     = "SUCCESS"
}

output "release_tasks" {
  value = [for p in data.servicestage_release_plans.all.release_plans : "${p.name} (${p.id}): ${p.status}"]
}

output "orders_succeeded_ids" {
  value = data.servicestage_release_plans.orders_succeeded.ids
}
