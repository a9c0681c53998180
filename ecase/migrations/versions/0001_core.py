"""Core tables: units, officers, users, cases, volumes, scans, pages, versions, documents, jobs.

The spine of the service: who works where, which cases exist, and the scanned
volumes with their pages, versions, recognised documents and background jobs.

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 03:43:14.688534
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code')),
    sa.UniqueConstraint('name', name=op.f('uq_units_name'))
    )
    op.create_table('officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('badge_no', sa.String(length=20), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_officers_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officers')),
    sa.UniqueConstraint('badge_no', name=op.f('uq_officers_badge_no'))
    )
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officers_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_officers_unit_id'), ['unit_id'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_no', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('lead_officer_id', sa.Integer(), nullable=True),
    sa.Column('incident_no', sa.String(length=40), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('acceptance_doc_no', sa.String(length=80), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=True),
    sa.Column('filing_doc_no', sa.String(length=80), nullable=True),
    sa.Column('no_filing_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lead_officer_id'], ['officers.id'], name=op.f('fk_cases_lead_officer_id_officers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_cases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('case_no', name=op.f('uq_cases_case_no'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_incident_no'), ['incident_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_unit_id'), ['unit_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=50), nullable=False),
    sa.Column('display_name', sa.String(length=50), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_users_officer_id_officers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_users_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_unit_id'), ['unit_id'], unique=False)

    op.create_table('case_officers',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_officers_case_id_cases')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_case_officers_officer_id_officers')),
    sa.PrimaryKeyConstraint('case_id', 'officer_id', name=op.f('pk_case_officers'))
    )
    op.create_table('volumes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_volumes_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volumes')),
    sa.UniqueConstraint('case_id', 'kind', 'number', name=op.f('uq_volumes_case_id'))
    )
    with op.batch_alter_table('volumes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volumes_case_id'), ['case_id'], unique=False)

    op.create_table('scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volume_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('insert_at', sa.Integer(), nullable=True),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_scans_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['volume_id'], ['volumes.id'], name=op.f('fk_scans_volume_id_volumes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scans'))
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scans_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_volume_id'), ['volume_id'], unique=False)

    op.create_table('volume_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('volume_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reconciliation', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_volume_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['volume_id'], ['volumes.id'], name=op.f('fk_volume_versions_volume_id_volumes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volume_versions')),
    sa.UniqueConstraint('volume_id', 'number', name=op.f('uq_volume_versions_volume_id'))
    )
    with op.batch_alter_table('volume_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volume_versions_volume_id'), ['volume_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('first_position', sa.Integer(), nullable=False),
    sa.Column('last_position', sa.Integer(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('conflicts', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['volume_versions.id'], name=op.f('fk_documents_version_id_volume_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_type'), ['type'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_version_id'), ['version_id'], unique=False)

    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=True),
    sa.Column('volume_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('result_key', sa.String(length=64), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_jobs_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_jobs_created_by_id_users')),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], name=op.f('fk_jobs_scan_id_scans')),
    sa.ForeignKeyConstraint(['volume_id'], ['volumes.id'], name=op.f('fk_jobs_volume_id_volumes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobs_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_scan_id'), ['scan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_jobs_volume_id'), ['volume_id'], unique=False)

    op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('scan_index', sa.Integer(), nullable=False),
    sa.Column('original_key', sa.String(length=64), nullable=True),
    sa.Column('original_media_type', sa.String(length=50), nullable=True),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('dpi', sa.Integer(), nullable=True),
    sa.Column('derived_key', sa.String(length=64), nullable=True),
    sa.Column('derived_media_type', sa.String(length=50), nullable=True),
    sa.Column('rotation', sa.Integer(), nullable=False),
    sa.Column('skew_deg', sa.Float(), nullable=False),
    sa.Column('blank', sa.Boolean(), nullable=False),
    sa.Column('ocr', sa.JSON(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], name=op.f('fk_pages_scan_id_scans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('scan_id', 'scan_index', name=op.f('uq_pages_scan_id'))
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_scan_id'), ['scan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pages_state'), ['state'], unique=False)

    op.create_table('document_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('box', sa.JSON(), nullable=True),
    sa.Column('conf', sa.Float(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_fields_document_id_documents')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_document_fields_page_id_pages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_fields'))
    )
    with op.batch_alter_table('document_fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_fields_document_id'), ['document_id'], unique=False)

    op.create_table('field_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('corrected_by_id', sa.Integer(), nullable=True),
    sa.Column('corrected_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['users.id'], name=op.f('fk_field_corrections_corrected_by_id_users')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_field_corrections_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_corrections'))
    )
    with op.batch_alter_table('field_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_corrections_document_id'), ['document_id'], unique=False)

    op.create_table('volume_pages',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_volume_pages_page_id_pages')),
    sa.ForeignKeyConstraint(['version_id'], ['volume_versions.id'], name=op.f('fk_volume_pages_version_id_volume_versions')),
    sa.PrimaryKeyConstraint('version_id', 'position', name=op.f('pk_volume_pages'))
    )
    with op.batch_alter_table('volume_pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volume_pages_page_id'), ['page_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('volume_pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volume_pages_page_id'))

    op.drop_table('volume_pages')
    with op.batch_alter_table('field_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_corrections_document_id'))

    op.drop_table('field_corrections')
    with op.batch_alter_table('document_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_fields_document_id'))

    op.drop_table('document_fields')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_state'))
        batch_op.drop_index(batch_op.f('ix_pages_scan_id'))

    op.drop_table('pages')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_volume_id'))
        batch_op.drop_index(batch_op.f('ix_jobs_state'))
        batch_op.drop_index(batch_op.f('ix_jobs_scan_id'))
        batch_op.drop_index(batch_op.f('ix_jobs_case_id'))

    op.drop_table('jobs')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_version_id'))
        batch_op.drop_index(batch_op.f('ix_documents_type'))

    op.drop_table('documents')
    with op.batch_alter_table('volume_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volume_versions_volume_id'))

    op.drop_table('volume_versions')
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scans_volume_id'))
        batch_op.drop_index(batch_op.f('ix_scans_sha256'))

    op.drop_table('scans')
    with op.batch_alter_table('volumes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volumes_case_id'))

    op.drop_table('volumes')
    op.drop_table('case_officers')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_unit_id'))

    op.drop_table('users')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_unit_id'))
        batch_op.drop_index(batch_op.f('ix_cases_incident_no'))

    op.drop_table('cases')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officers_unit_id'))
        batch_op.drop_index(batch_op.f('ix_officers_name'))

    op.drop_table('officers')
    op.drop_table('units')
