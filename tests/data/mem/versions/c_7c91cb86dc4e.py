"""Add agents and work queues

Revision ID: 7c91cb86dc4e
Revises: 619bea85701a
Create Date: 2022-02-17 15:14:16.697816

"""

# the header of a real Prefect migration script (flows.prefect_server reads it as text)
revision = "7c91cb86dc4e"
down_revision = "619bea85701a"
branch_labels = None
depends_on = None
