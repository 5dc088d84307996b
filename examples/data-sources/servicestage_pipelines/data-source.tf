terraform {
  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

# Every new-edition release task of the provider's project, newest first.
data "servicestage_pipelines" "all" {}

# The new-edition tasks whose name starts with checkout- and whose last run
# succeeded. The filters combine with AND; no match gives two empty lists.
data "servicestage_pipelines" "checkout_succeeded" {
  name_regex = "^checkout-"
  status     = "SUCCEEDED"
}

output "release_tasks" {
  value = [for p in data.servicestage_pipelines.all.pipelines : "${p.name} (${p.id}): ${p.status}"]
}

output "checkout_succeeded_ids" {
  value = data.servicestage_pipelines.checkout_succeeded.ids
}
