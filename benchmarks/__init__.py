"""Maintainers: the module's benchmarks, every figure measured in one run and written to
benchmarks/README.md, which nothing else writes.

What it measures, and why:

- **One check's cost.** The handler runs in-process against moto with the state table on,
  as the module deploys it by default (``STATE_TABLE_NAME`` set, the table created with
  the module's key schema). Every AWS API call is counted at botocore's boundary, by
  service and operation, and the wall time is the median of several checks, each a new
  scheduled check (its own claim in the table) after a first one has stored the
  monitor's status. Windows of 1, 100 and 1,000 successful runs, and one failed and one
  missing run, show what pages, alerts and the state table add. Next to it, a check that
  reads only the latest execution (one ListExecutions call with maxResults=1), counted
  and timed the same way. The counts are what a check costs on AWS; the times only
  compare rows of one run.
- **A month of one daily monitor.** The requests above times the checks of a month,
  priced at the list prices in PRICES: the cost text the README links to, computed here
  rather than typed.
- **Cold start.** Importing the handler next to ``import boto3`` alone (``-X importtime``).
- **Terraform at 1, 10, 100 and 1,000 monitors** (beyond 200 with a read scope, as the
  module requires). Resources, apply and no-op plan times on a fresh moto server each,
  and every size an AWS limit bounds (dev/aws_limits.py) measured from what was deployed,
  because moto enforces none of them (an apply that works here may be refused by AWS
  for a size). Where each apply's time goes, measured rather than assumed: each
  resource's creation is timed from Terraform's streamed output and each request from
  the emulator (in this process), and the provider's waits are the seconds in which only
  resources that took WAIT_SECONDS or more were being created while the emulator was
  idle.
- **The seed template's layout** (one Lambda, role and schedule per state machine) next
  to the module up to 100 monitors: the comparison the project grew from.
- **The deployment zip's size.**

The tree is copied when the run starts (TREE) and Terraform and the import times run
from the copy, so that what others change in the working tree meanwhile cannot mix into
one run's figures; the page names the commit and whether the tree had changes.

The deadline history's sizes and the report's reads at 1,000 monitors x 90 days
(benchmarks/history.py, ``make bench-history``) are measured apart, into
benchmarks/history.md: most of that run is moto answering each Query of an index by
reading the whole table, which says nothing of DynamoDB.

One module per job: check_cost (one check's calls and time), month (that check's month,
priced), cold_start (the import times), terraform_times (applies, no-op plans, where an
apply's time goes, the sizes deployed), tree (the copy of the tree and what the run ran
on), render (the page); __main__ runs them in the page's order and writes it.

    PYTHONPATH=lambda_src python -m benchmarks [--executions 1,100,1000]
        [--sizes 1,10,100,1000] [--seed-sizes 1,10,100]
"""
