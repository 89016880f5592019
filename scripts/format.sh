#!/usr/bin/env bash
# Rewrites the Swift sources to the house format (.swift-format: 150 columns, 4 spaces); the test command lints the
# same files with `swift format lint --strict` and fails on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format format --in-place --parallel -r Sources Tests fuzz/Sources Package.swift
