"""One check, from the event to the verdict: the contract parsed in one place, the runs
Step Functions shows, the verdict, the prediction and the fire times. Reads AWS, sends nothing."""
