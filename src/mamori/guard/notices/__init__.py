"""E-mail notices: approvers on a new request, requesters on a decision, administrators on escalations and blocked
devices, and a daily digest. Sent once each (a Notice row per kind, object and recipient); a mail server that is
down never fails the action that caused the notice."""
