"""Learner records have no background work: a record, a dossier's PDF and its ZIP are made on
request, in the time of one download."""
