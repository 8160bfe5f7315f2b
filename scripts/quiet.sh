#!/usr/bin/env bash
# Filter the noise TensorFlow and old setuptools print on every Rasa start.
grep -v -E "DeprecationWarning|declare_namespace|pkg_resources|load_module|xla_computation|oneDNN|cuda_drivers|cudart_stub|cpu_feature_guard|TensorRT|AVX512|rebuild TensorFlow|^\s*import pkg_resources|Implementing implicit namespace|^\s*declare_namespace\(pkg\)|UserWarning: Slot auto-fill|raise_warning\($" || true
