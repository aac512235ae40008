"""initial migration

Revision ID: 9725c1cbee35
Revises:
Create Date: 2022-01-20 11:52:36.295433

"""

# the header of a real Prefect migration script (flows.prefect_server reads it as text)
revision = "9725c1cbee35"
down_revision = None
branch_labels = None
depends_on = None
