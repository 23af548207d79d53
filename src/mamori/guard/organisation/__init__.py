"""The organisation as it is: 部/課/係 above one another, deputies (代理承認) for a period, escalation to the 部長."""
