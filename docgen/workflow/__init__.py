"""Workflow stage: who may do what to a dossier, and in which order.

Input: an authenticated user and a request (create, render, submit, approve, issue,
upload the signed file, archive, read). Output: calls to :mod:`docgen.pipeline` (to
render) and :mod:`docgen.archive` (to keep every version), each checked against the
user's role and agency and written to the audit log. Interfaces (CLI, HTTP) call this
layer only.
"""
