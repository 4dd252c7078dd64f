/**
 * Phase 2: activity analysis ({@link dev.adjoint.processor.reverse.Activity}) and the reverse-mode
 * transform into forward and adjoint code ({@link dev.adjoint.processor.reverse.ReverseEmitter}).
 */
package dev.adjoint.processor.reverse;
