"""Add the block data table.

Revision ID: 619bea85701a
Revises: 9725c1cbee35
Create Date: 2022-02-04 09:38:38.324086

"""

# the header of a real Prefect migration script (flows.prefect_server reads it as text)
revision = "619bea85701a"
down_revision = "9725c1cbee35"
branch_labels = None
depends_on = None
